import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Testing

@Suite("SQLiteExactlyOnceProjection conformance")
struct SQLiteExactlyOnceConformanceTests {
    @Test(arguments: ExactlyOnceProjectionConformance.checks)
    func conformance(_ check: StoreConformanceCheck<any ExactlyOnceProjectionHarness>) async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("events.sqlite"), options: .init(durability: .normal))
        try await check.run(against: SQLiteCountingHarness(sqlite: store))
        try store.close()
    }
}

/// The conformance suite's read model in the store's database: one row per
/// projection and event id, counting applications.
struct SQLiteCountingHarness: ExactlyOnceProjectionHarness {
    let sqlite: SQLiteEventStore

    var store: any EventStore { sqlite }
    var deadLetters: any DeadLetterStore { sqlite.deadLetters }

    func projection(named name: String, failing: @escaping @Sendable (EventRecord) -> Bool) async throws
        -> any RunnableProjection
    {
        sqlite.exactlyOnce(CountingProjection(name: name, failing: failing))
    }

    func applications(of name: String) async throws -> [UUID: Int] {
        let queue = try DatabaseQueue(
            path: sqlite.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try await queue.read { db in
            guard try db.tableExists("conformance_applications") else { return [:] }
            var counts: [UUID: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT event_id, count FROM conformance_applications WHERE projection = ?", arguments: [name])
            {
                counts[UUID(uuidString: row[0])!] = row[1]
            }
            return counts
        }
    }

    struct CountingProjection: SQLiteProjection {
        let name: String
        let failing: @Sendable (EventRecord) -> Bool

        func prepare(_ db: Database) throws {
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS conformance_applications (
                        projection TEXT NOT NULL, event_id TEXT NOT NULL, count INTEGER NOT NULL,
                        PRIMARY KEY (projection, event_id))
                    """)
        }

        func apply(_ event: EventRecord, in db: Database) throws {
            try db.execute(
                sql: """
                    INSERT INTO conformance_applications VALUES (?, ?, 1)
                    ON CONFLICT (projection, event_id) DO UPDATE SET count = count + 1
                    """,
                arguments: [name, event.id.uuidString])
            if failing(event) { throw HandlerFailure(position: event.position) }
        }

        func reset(_ db: Database) throws {
            try db.execute(sql: "DELETE FROM conformance_applications WHERE projection = ?", arguments: [name])
        }
    }

    struct HandlerFailure: Error, CustomStringConvertible {
        let position: GlobalPosition
        var description: String { "the handler failed at \(position) as told" }
    }
}
