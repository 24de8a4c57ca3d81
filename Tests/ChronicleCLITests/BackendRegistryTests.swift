import ArgumentParser
import Chronicle
@testable import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Synchronization
import Testing

/// A backend only this test target registers: in-memory stores named by
/// `memory:NAME`, shared by every command of one test through the backend value.
final class MemoryBackend: StoreBackend, Sendable {
    let name = "in-memory"
    let schemes = ["memory"]
    private let stores = Mutex<[String: MemoryBackendStore]>([:])

    func location(parsing text: String) throws -> StoreLocation {
        let name = String(text.dropFirst("memory:".count))
        guard !name.isEmpty else { throw EventStoreError.invalidArgument("'\(text)' names no in-memory store") }
        return StoreLocation(scheme: "memory", address: name)
    }

    func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore {
        try stores.withLock { stores in
            if let store = stores[location.address] { return store }
            guard access == .createIfMissing else {
                throw EventStoreError(code: .storageUnavailable, message: "no in-memory store named '\(location.address)'")
            }
            let store = MemoryBackendStore()
            stores[location.address] = store
            return store
        }
    }

    /// The store named `name`, if a command created it.
    func store(named name: String) -> MemoryBackendStore? {
        stores.withLock { $0[name] }
    }
}

/// The in-memory stores of core Chronicle, as a ``BackendStore``.
struct MemoryBackendStore: BackendStore {
    let log = InMemoryEventStore()
    let checkpointStore = InMemoryCheckpointStore()
    let deadLetterStore = InMemoryDeadLetterStore()
    let snapshotStore = InMemorySnapshotStore()

    var events: any EventStore & StreamCatalog & EventStoreImporting { log }
    var checkpoints: any CheckpointStore { checkpointStore }
    var deadLetters: any DeadLetterStore { deadLetterStore }
    var snapshots: any SnapshotStore { snapshotStore }
    var wasCreated: Bool { false }
    func close() {}
}

/// A catalog whose projections run on the in-memory backend's log.
enum MemoryProjections: ProjectionCatalog {
    static func projections(in store: InMemoryEventStore) async throws -> [any RunnableProjection] {
        [CheckpointedProjection(Mailer(), checkpoints: InMemoryCheckpointStore(), deadLetters: InMemoryDeadLetterStore())]
    }
}

struct MemoryAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-admin", subcommands: ChronicleCommands.storeCommands(projections: MemoryProjections.self))
}

/// Stores open through the registry of backends the running tool registered.
@Suite("Store backends")
struct BackendRegistryTests {
    let sqliteOnly = StoreBackendRegistry([SQLiteBackend()])

    @Test func postgresLocationsFailWithOneLineUntilABackendTakesThem() throws {
        for url in ["postgres://ada:secret@db/events", "PostgreSQL://db/events"] {
            let error = try #require(throws: CommandError.self) { try sqliteOnly.location(parsing: url) }
            #expect(error.status == .failure)
            #expect(error.message == "PostgreSQL stores are not supported by this build of chronicle yet; use sqlite:PATH")
        }
        let unknown = try #require(throws: CommandError.self) { try sqliteOnly.location(parsing: "mysql://db/events") }
        #expect(unknown.status == .badInput)
        #expect(unknown.message == "unknown store scheme 'mysql' in 'mysql://db/events': use sqlite:PATH")
        // A backend registered for the scheme takes it.
        let postgres = NamedBackend(name: "PostgreSQL", schemes: ["postgres", "postgresql"])
        let location = try StoreBackendRegistry([SQLiteBackend(), postgres]).location(parsing: "postgres://db/events")
        #expect(location == StoreLocation(scheme: "postgres", address: "postgres://db/events"))
    }

    @Test func withoutBackendsNothingOpens() throws {
        let error = try #require(throws: CommandError.self) { try StoreBackendRegistry([]).location(parsing: "events.sqlite") }
        #expect(error.status == .failure)
        #expect(error.message == "this tool registers no store backend, so it cannot open 'events.sqlite'")
    }

    @Test func schemesAndBarePathsGoToTheirBackends() throws {
        let registry = StoreBackendRegistry([MemoryBackend(), SQLiteBackend()])
        #expect(try registry.location(parsing: "memory:shop") == StoreLocation(scheme: "memory", address: "shop"))
        #expect(try registry.location(parsing: " MEMORY:shop ") == StoreLocation(scheme: "memory", address: "shop"))
        #expect(try registry.location(parsing: "shop.sqlite") == .sqlite(path: "shop.sqlite"))
        // A colon after an unregistered word is part of a bare path, as before.
        #expect(try registry.location(parsing: "data:shop.sqlite") == .sqlite(path: "data:shop.sqlite"))
        let empty = try #require(throws: CommandError.self) { try registry.location(parsing: "memory:") }
        #expect(empty.status == .badInput)
        #expect(try registry.backend(for: .sqlite(path: "x")).name == "SQLite")
    }

    @Test func anAppsOwnBackendRunsTheStoreCommands() async throws {
        let backend = MemoryBackend()
        func run(_ arguments: String...) async -> Int32 {
            await CommandRunner.run(MemoryAdmin.self, arguments: arguments + ["--store", "memory:shop"], backends: [backend])
        }
        #expect(await run("stats") == 1, "the store must exist")
        #expect(backend.store(named: "shop") == nil, "stats creates nothing")
        #expect(await run("append", "order-1", "--type", "Placed", "--data", #"{"amount":3}"#) == 0)
        #expect(await run("append", "order-2", "--type", "Paid", "--data", "{}") == 0)
        let store = try #require(backend.store(named: "shop"))
        #expect(try await store.log.readAll(from: .start, limit: 10).map(\.type) == ["Placed", "Paid"])
        #expect(await run("streams", "list") == 0)
        #expect(await run("projections", "list") == 0)
        #expect(await run("projections", "catch-up", "mailer") == 0)
        #expect(await run("checkpoints", "list") == 0)
        #expect(await run("dlq", "list") == 0)
        #expect(await run("stats", "--max-lag", "2") == 0)
        // What the in-memory backend lacks is a clear failure, not a crash.
        #expect(await run("category-index", "status") == 1)
        let opened = try await StoreBackendRegistry([backend]).open(StoreLocation(scheme: "memory", address: "shop"), access: .existing)
        #expect(try await opened.schemaVersion() == nil)
        #expect(opened.files().isEmpty)
        #expect(try await opened.deadLetterCounts().isEmpty)
    }

    @Test func aCatalogBoundToSQLiteRefusesAnotherBackendsStore() async throws {
        let backend = MemoryBackend()
        #expect(
            await CommandRunner.run(
                MemoryAdmin.self, arguments: ["init", "--store", "memory:shop"], backends: [backend]) == 0)
        let opened = try await StoreBackendRegistry([backend]).open(StoreLocation(scheme: "memory", address: "shop"), access: .existing)
        let error = try #require(throws: CommandError.self) { try ShopProjections.store(in: opened) }
        #expect(error.status == .failure)
        #expect(error.message == "this tool's projections run on SQLiteEventStore stores, not on the in-memory backend's 'memory:shop'")
        // Through the app's tool: exit status 1, and the store is untouched.
        let status = await CommandRunner.run(
            ShopAdmin.self, arguments: ["projections", "rebuild", "--all", "--yes", "--store", "memory:shop"],
            backends: [backend])
        #expect(status == 1)
        #expect(try await backend.store(named: "shop")?.checkpointStore.checkpoints().isEmpty == true)
        // The standalone catalog runs on any backend.
        #expect(try NoProjectionCatalog.store(in: opened) is InMemoryEventStore)
    }

    @Test func registeredBackendsComeBeforeInheritedOnes() async throws {
        let outer = MemoryBackend()
        let inner = MemoryBackend()
        let status = await StoreBackendRegistry.$current.withValue(StoreBackendRegistry([outer])) {
            await CommandRunner.run(
                MemoryAdmin.self, arguments: ["append", "order-1", "--type", "T", "--data", "{}", "--store", "memory:a"],
                backends: [inner])
        }
        #expect(status == 0)
        #expect(inner.store(named: "a") != nil)
        #expect(outer.store(named: "a") == nil)
    }
}

/// A backend that parses its locations and opens nothing.
struct NamedBackend: StoreBackend {
    let name: String
    let schemes: [String]
    func location(parsing text: String) throws -> StoreLocation { StoreLocation(scheme: schemes[0], address: text) }
    func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore {
        throw EventStoreError(code: .storageUnavailable, message: "\(name) is not reachable from the tests")
    }
}
