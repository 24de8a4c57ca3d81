import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@testable import ChronicleSQLite

/// Schema 5: dead-letter ids are never reused. A schema-4 file keeps its
/// entries, with their ids, when it is opened.
@Suite("SQLite dead-letter ids")
struct SQLiteDeadLetterIdTests {
    @Test func aVersionFourFileKeepsItsDeadLettersAndStopsReusingIds() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v4.sqlite")
        let event = EventRecord(
            position: 7, stream: try StreamName("order-1"), version: 1, id: UUID(), type: "E", schemaVersion: 1,
            data: Data("{}".utf8), metadata: EventMetadata(), recordedAt: Date())
        // A file as schema 4 left it, where a removed newest id comes back.
        let kept: [DeadLetter]
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-lean-events-v1")
            let (parked, reused) = try await pool.write { db in
                let parked = try ["a", "b"].map {
                    try SQLiteDeadLetterStore.park(event, consumer: $0, error: "e", attempts: 2, in: db)
                }
                let third = try SQLiteDeadLetterStore.park(event, consumer: "c", error: "e", attempts: 1, in: db)
                _ = try SQLiteDeadLetterStore.remove(id: third.id, in: db)
                let again = try SQLiteDeadLetterStore.park(event, consumer: "c", error: "e", attempts: 1, in: db)
                return (parked, again.id == third.id)
            }
            kept = parked
            #expect(reused, "schema 4 hands out a removed newest id again")
            _ = try await pool.write { db in try SQLiteDeadLetterStore.purge(consumer: "c", in: db) }
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 4)
            try pool.close()
        }
        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.schemaVersion() == Int(SQLiteSchema.currentVersion))
        #expect(try await store.deadLetters.deadLetters(consumer: nil, limit: 10) == kept)
        let next = try await store.deadLetters.park(event, consumer: "d", error: "e", attempts: 1)
        #expect(next.id > kept.last!.id)
        try await store.deadLetters.remove(id: next.id)
        let after = try await store.deadLetters.park(event, consumer: "d", error: "e", attempts: 1)
        #expect(after.id > next.id)
        try store.close()
    }

    @Test func twoStoresOnOneFileParkWithDistinctIds() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        let first = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        let second = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        let event = EventRecord(
            position: 1, stream: try StreamName("order-1"), version: 1, id: UUID(), type: "E", schemaVersion: 1,
            data: Data("{}".utf8), metadata: EventMetadata(), recordedAt: Date())
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { try await store.deadLetters.park(event, consumer: "s", error: "e", attempts: 1).id }
            }
            var ids: [Int64] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(ids).count == 40)
        #expect(try await first.deadLetters.deadLetters(consumer: nil, limit: 100).map(\.id) == ids.sorted())
        try first.close()
        try second.close()
    }
}
