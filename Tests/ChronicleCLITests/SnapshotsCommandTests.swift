import Chronicle
@testable import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `chronicle snapshots list|show`, through the built executable.
@Suite("chronicle snapshots")
struct SnapshotsCommandTests {
    static let created = Date(timeIntervalSince1970: 1_800_000_000.25)  // 2027-01-15T08:00:00.250000Z

    /// A store of 30 events (streams order-0…6, stock-0…6, payment-0…6) with
    /// snapshots of order-0 (JSON state), order-3 and stock-1 (a state that is not JSON).
    private func makeStore(at path: String) async throws {
        try await Fixtures.makeStore(at: path, events: 30)
        let store = try await SQLiteEventStore(path: path)
        let snapshots = SQLiteSnapshotStore(store)
        try await snapshots.saveSnapshot(
            Snapshot(
                stream: try StreamName("order-0"), version: 2, schemaVersion: 3,
                data: Data(#"{"status":"paid","total":30}"#.utf8), createdAt: Self.created))
        try await snapshots.saveSnapshot(
            Snapshot(stream: try StreamName("order-3"), version: 1, schemaVersion: 1, data: Data("{}".utf8),
                createdAt: Self.created))
        try await snapshots.saveSnapshot(
            Snapshot(stream: try StreamName("stock-1"), version: 1, schemaVersion: 1, data: Data([0, 1, 2]),
                createdAt: Self.created))
        try store.close()
    }

    @Test func listShowsEachStreamsSnapshotAsATableOrJSONLines() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await makeStore(at: path)
        let table = try await ChronicleProcess.run(["snapshots", "list", "--store", path])
        #expect(table.status == 0, "\(table)")
        #expect(
            table.outputLines == [
                "STREAM   VERSION  SCHEMA      SIZE  CREATED",
                "order-0        2       3  28 bytes  2027-01-15T08:00:00.250Z",
                "order-3        1       1   2 bytes  2027-01-15T08:00:00.250Z",
                "stock-1        1       1   3 bytes  2027-01-15T08:00:00.250Z",
            ], "\(table)")
        #expect(table.standardError.isEmpty, "\(table)")

        let json = try await ChronicleProcess.run(["snapshots", "list", "--category", "order", "--json", "--store", path])
        #expect(json.status == 0, "\(json)")
        #expect(
            json.outputLines == [
                #"{"stream":"order-0","category":"order","version":2,"schemaVersion":3,"sizeBytes":28,"createdAt":"2027-01-15T08:00:00.250000Z"}"#,
                #"{"stream":"order-3","category":"order","version":1,"schemaVersion":1,"sizeBytes":2,"createdAt":"2027-01-15T08:00:00.250000Z"}"#,
            ], "\(json)")

        let paged = try await ChronicleProcess.run(["snapshots", "list", "--limit", "1", "--after", "order-0", "--store", path])
        #expect(paged.status == 0, "\(paged)")
        #expect(paged.outputLines.count == 2 && paged.outputLines[1].hasPrefix("order-3 "), "\(paged)")
        #expect(paged.errorLines == ["more snapshots follow: run again with --after order-3"], "\(paged)")

        let none = try await ChronicleProcess.run(["snapshots", "list", "--category", "payment", "--store", path])
        #expect(none.status == 0 && none.standardOutput.isEmpty, "\(none)")
        #expect(none.errorLines == ["no snapshots in category 'payment'"], "\(none)")
    }

    @Test func showPrintsOneSnapshotAndItsStateAsJSON() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await makeStore(at: path)
        let text = try await ChronicleProcess.run(["snapshots", "show", "order-0", "--store", path])
        #expect(text.status == 0, "\(text)")
        // order-0 holds events 1, 22 and 43 of the fixture's 30: 2 of them (0 and 21).
        #expect(
            text.outputLines == [
                "order-0  snapshot at version 2, stream at version 2",
                "    category order  schema 3  size 28 bytes  created 2027-01-15T08:00:00.250000Z",
            ], "\(text)")

        let json = try await ChronicleProcess.run(["snapshots", "show", "order-0", "--json", "--store", path])
        #expect(json.status == 0, "\(json)")
        #expect(
            json.outputLines == [
                #"{"stream":"order-0","category":"order","version":2,"schemaVersion":3,"sizeBytes":28,"createdAt":"2027-01-15T08:00:00.250000Z","streamVersion":2,"state":{"status":"paid","total":30}}"#
            ], "\(json)")

        let binary = try await ChronicleProcess.run(["snapshots", "show", "stock-1", "--json", "--store", path])
        #expect(binary.status == 0, "\(binary)")
        #expect(binary.outputLines.count == 1 && binary.outputLines[0].hasSuffix(#","stateBase64":"AAEC"}"#), "\(binary)")
    }

    @Test func aStreamWithoutASnapshotExitsWithOneAndABadNameWithTwo() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await makeStore(at: path)
        let missing = try await ChronicleProcess.run(["snapshots", "show", "order-1", "--store", path])
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.errorLines == ["chronicle: error: stream 'order-1' has no snapshot"], "\(missing)")
        #expect(missing.standardOutput.isEmpty, "\(missing)")
        let invalid = try await ChronicleProcess.run(["snapshots", "show", "order1", "--store", path])
        #expect(invalid.status == 2, "\(invalid)")
        #expect(invalid.errorLines == ["chronicle: error: invalid stream name 'order1': it has no '-' between category and id"], "\(invalid)")
        let limit = try await ChronicleProcess.run(["snapshots", "list", "--limit", "0", "--store", path])
        #expect(limit.status == 2, "\(limit)")
        #expect(limit.errorLines == ["chronicle: error: --limit must be at least 1, got 0"], "\(limit)")
        let noStore = try await ChronicleProcess.run(["snapshots", "list", "--store", directory.path("none.sqlite")])
        #expect(noStore.status == 1, "\(noStore)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.sqlite")), "nothing created")
    }
}

/// A snapshot store that can read and write but not list (no ``SnapshotCatalog``).
struct PlainSnapshotStore: SnapshotStore {
    let base = InMemorySnapshotStore()
    func saveSnapshot(_ snapshot: Snapshot) async throws { try await base.saveSnapshot(snapshot) }
    func latestSnapshot(for stream: StreamName) async throws -> Snapshot? { try await base.latestSnapshot(for: stream) }
    func deleteSnapshots(for stream: StreamName) async throws { try await base.deleteSnapshots(for: stream) }
}

/// In-memory stores whose snapshot store cannot list, under `plain:NAME`.
final class PlainSnapshotsBackend: StoreBackend, Sendable {
    struct Store: BackendStore {
        let memory = MemoryBackendStore()
        let plain = PlainSnapshotStore()
        var events: any EventStore & StreamCatalog & EventStoreImporting { memory.log }
        var checkpoints: any CheckpointStore { memory.checkpointStore }
        var deadLetters: any DeadLetterStore { memory.deadLetterStore }
        var snapshots: any SnapshotStore { plain }
        var wasCreated: Bool { false }
        func close() {}
    }

    let name = "plain in-memory"
    let schemes = ["plain"]
    let store = Store()

    func location(parsing text: String) throws -> StoreLocation {
        StoreLocation(scheme: "plain", address: String(text.dropFirst("plain:".count)))
    }

    func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore { store }
}

@Suite("chronicle snapshots without a catalog")
struct SnapshotsWithoutCatalogTests {
    @Test func listingFailsWithOneWhileShowWorks() async throws {
        let backend = PlainSnapshotsBackend()
        try await backend.store.plain.saveSnapshot(
            Snapshot(stream: try StreamName("order-1"), version: 1, schemaVersion: 1, data: Data("{}".utf8)))
        func run(_ arguments: String...) async -> Int32 {
            await CommandRunner.run(MemoryAdmin.self, arguments: arguments + ["--store", "plain:x"], backends: [backend])
        }
        // Prints "the snapshots of plain in-memory stores cannot be listed (no SnapshotCatalog)".
        #expect(await run("snapshots", "list") == 1)
        #expect(await run("snapshots", "show", "order-1") == 0)
        #expect(await run("snapshots", "show", "order-2") == 1)
    }
}
