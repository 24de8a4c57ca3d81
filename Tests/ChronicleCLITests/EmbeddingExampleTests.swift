import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Testing

// The embedding example of Docs/CLI.md, compiled and run.

// --- CLI.md: embedding ---
enum ShopProjections: ProjectionCatalog {
    static func projections(in store: SQLiteEventStore) async throws -> [any RunnableProjection] {
        [store.exactlyOnce(OrderCount()), store.atLeastOnce(Mailer())]
    }
}

struct ShopAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-admin",
        discussion: ExitStatus.helpText,
        subcommands: ChronicleCommands.storeCommands(projections: ShopProjections.self) + [ShopReport.self])
}

struct ShopReport: AsyncParsableCommand {
    @OptionGroup var storeOptions: StoreOptions  // --store / CHRONICLE_STORE
    @Flag var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let statistics = try await opened.store.statistics()
        print("\(statistics.eventCount) events in \(statistics.streamCount) streams")
    }
}
// --- end ---

/// The example's exactly-once projection: events per category.
struct OrderCount: SQLiteProjection {
    let name = "order-count"
    func prepare(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS order_count (category TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    }
    func apply(_ event: EventRecord, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO order_count VALUES (?, 1) ON CONFLICT (category) DO UPDATE SET n = n + 1",
            arguments: [event.stream.category])
    }
    func reset(_ db: Database) throws { try db.execute(sql: "DELETE FROM order_count") }
}

/// The example's at-least-once projection, which sends nothing here.
struct Mailer: Projection {
    let name = "mailer"
    var filter: EventFilter { EventFilter(eventTypes: ["Paid"]) }
    func apply(_ event: EventRecord) async throws {}
    func reset() async throws {}
}

@Suite("Embedding ChronicleCLI")
struct EmbeddingExampleTests {
    @Test func anAppRunsItsOwnAndTheStoreCommands() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await Fixtures.makeStore(at: path, events: 4)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--store", path], backends: [SQLiteBackend()]) == 0)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["streams", "list", "--store", path, "--json"], backends: [SQLiteBackend()]) == 0)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--store", directory.path("none")], backends: [SQLiteBackend()]) == 1)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--bogus"], backends: [SQLiteBackend()]) == 2)
    }

    @Test func anAppRunsItsProjectionsFromItsTool() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await Fixtures.makeStore(at: path, events: 30)
        func run(_ arguments: String...) async -> Int32 {
            await CommandRunner.run(ShopAdmin.self, arguments: arguments + ["--store", path], backends: [SQLiteBackend()])
        }
        #expect(await run("projections", "list") == 0)
        #expect(await run("projections", "rebuild", "--all", "--yes") == 0)
        #expect(await run("stats", "--max-lag", "0") == 0)
        #expect(await run("projections", "rebuild", "order-cuont", "--yes") == 2)
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        let counts = try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM order_count ORDER BY category") }
        #expect(counts == [10, 10, 10])
        #expect(try await store.checkpoints.checkpoint(named: "mailer")?.position == 30)
    }

    /// The Swift blocks of the guides that show embedding are this file's code:
    /// every line of them (but imports and `main`) appears here.
    @Test(arguments: [("Docs/CLI.md", "ShopAdmin"), ("Docs/Projections.md", "ShopProjections")])
    func theGuidesShowThisCode(guide: String, marker: String) throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent(guide), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let blocks = page.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let shown = try #require(blocks.first { $0.contains("enum \(marker)") || $0.contains("struct \(marker)") })
        for line in shown.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !line.isEmpty && !line.hasPrefix("import ") && !line.hasPrefix("await CommandRunner.main") {
            #expect(source.contains(line), "\(guide) shows a line this test does not run: \(line)")
        }
    }
}
