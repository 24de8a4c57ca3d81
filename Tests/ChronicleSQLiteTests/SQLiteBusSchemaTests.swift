import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@testable import ChronicleSQLite

/// Schema version 7: the bus's tables, and dead letters' first failure.
@Suite("SQLite bus schema")
struct SQLiteBusSchemaTests {
    @Test func aVersionSixFileGainsTheBusTablesAndKeepsItsDeadLettersWithoutAFirstFailure() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v6.sqlite")
        let eventId = UUID()
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-leases-v1")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO chronicle_dead_letters
                            (subscriber, position, event_id, stream, type, error, attempts, failed_at)
                        VALUES ('order-summary', 3, ?, 'order-1', 'OrderPlaced', 'boom', 2, 1000000)
                        """, arguments: [eventId])
            }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 6)
            try pool.close()
        }

        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.schemaVersion() == 7)
        let letters = try await store.deadLetters.deadLetters(consumer: nil, limit: 10)
        #expect(letters.count == 1)
        #expect(letters.first?.eventId == eventId && letters.first?.attempts == 2)
        #expect(letters.first?.firstFailedAt == nil)
        #expect(letters.first?.failedAt == Date(timeIntervalSince1970: 1))
        let message = UUID()
        #expect(try await store.attempts.recordFailure(consumer: "payments", message: message, error: "e").attempts == 1)
        #expect(try await store.read { db in try db.tableExists("chronicle_bus_inbox") })
        try store.close()
    }
}
