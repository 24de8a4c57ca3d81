import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The global-order race on two real connections. A (a raw connection, as
/// another app server's append would be) inserts an event and holds its
/// transaction open; B appends through the store; a subscriber polls. With
/// positions handed out under the append lock, B cannot take a position
/// behind A's uncommitted one: it waits for A, so no reader ever sees a hole
/// it could skip.
@Suite("PostgreSQL gap safety: out-of-order commits on two connections", .timeLimit(.minutes(2)))
struct PostgresGapSafetyTests {
    /// A connection of its own, with a transaction that inserted `order-a`'s
    /// first event through the append function and has not committed.
    struct HeldAppend {
        let connection: PostgresConnection
        let logger: Logger
        let eventId = UUID()

        static func begin(on database: PostgresTestDatabase) async throws -> HeldAppend {
            let (connection, logger) = try await database.connect()
            let held = HeldAppend(connection: connection, logger: logger)
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(
                """
                SELECT chronicle_append_events(ARRAY['order-a'], ARRAY[1::bigint], ARRAY['order'], \
                ARRAY[\(held.eventId)], ARRAY['Placed'], ARRAY[1], ARRAY['{}'::bytea], ARRAY[''::bytea], 0)
                """, logger: logger)
            return held
        }

        func commit() async throws {
            try await connection.query("COMMIT", logger: logger)
            try await connection.close()
        }

        func rollBack() async throws {
            try await connection.query("ROLLBACK", logger: logger)
            try await connection.close()
        }
    }

    func event(_ id: UUID = UUID()) -> NewEvent {
        NewEvent(id: id, type: "Placed", data: Data("{}".utf8))
    }

    /// Returns once a session of the database waits for the append lock.
    func waitUntilAnAppendWaits(in database: PostgresTestDatabase) async throws {
        let (connection, logger) = try await database.connect()
        defer { Task { try? await connection.close() } }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            var waiting = 0
            for try await count in try await connection.query(
                """
                SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, logger: logger
            ).decode(Int.self) {
                waiting = count
            }
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("no append waited for the lock within 30 s")
    }

    @Test func aLaterAppendWaitsForTheHeldOneAndBothAreDeliveredInOrder() async throws {
        try await withPostgresStore { store, database in
            try await store.append([event()], to: StreamName("seed-1"), expecting: .noStream)
            let a = try await HeldAppend.begin(on: database)
            let bEvent = UUID()
            let b = Task { try await store.append([event(bEvent)], to: StreamName("order-b"), expecting: .noStream) }
            try await waitUntilAnAppendWaits(in: database)
            // The subscriber polls while A holds and B waits: nothing past the seed.
            #expect(try await store.completePosition() == 1)
            #expect(try await store.readAll(from: 2, limit: 10).isEmpty)
            var batches = store.subscribe(from: .start, batchSize: 100).makeAsyncIterator()
            let first = try #require(try await batches.next())
            #expect(first.events.map(\.position) == [1])
            try await a.commit()
            let bResult = try await b.value
            #expect(bResult.positions == 3...3, "B takes the position after A's")
            var delivered: [EventRecord] = []
            while delivered.count < 2, let batch = try await batches.next() { delivered += batch.events }
            #expect(delivered.map(\.id) == [a.eventId, bEvent], "A's late commit, then B")
            #expect(delivered.map(\.position) == [2, 3])
        }
    }

    @Test func aRolledBackAppendLeavesNoHoleAndNoStall() async throws {
        try await withPostgresStore { store, database in
            try await store.append([event()], to: StreamName("seed-1"), expecting: .noStream)
            let a = try await HeldAppend.begin(on: database)
            let bEvent = UUID()
            let b = Task { try await store.append([event(bEvent)], to: StreamName("order-b"), expecting: .noStream) }
            try await waitUntilAnAppendWaits(in: database)
            var batches = store.subscribe(from: 2, batchSize: 100).makeAsyncIterator()
            try await a.rollBack()
            #expect(try await b.value.positions == 2...2, "A's position is given back")
            let next = try #require(try await batches.next())
            #expect(next.events.map(\.id) == [bEvent])
            #expect(try await store.completePosition() == 2)
            #expect(try await store.eventCount(after: .none, through: 2) == 2)
        }
    }

    @Test func anIdleInTransactionBystanderHoldsNothingBack() async throws {
        try await withPostgresStore { store, database in
            // A session that read the log and sits idle in its transaction.
            let (bystander, logger) = try await database.connect()
            try await bystander.query("BEGIN", logger: logger)
            try await bystander.query("SELECT count(*) FROM chronicle_events", logger: logger)
            var ids: [UUID] = []
            for index in 1...5 {
                let id = UUID()
                ids.append(id)
                try await store.append([event(id)], to: StreamName("order-\(index)"), expecting: .noStream)
            }
            var delivered: [UUID] = []
            for try await batch in store.subscribe(from: .start, batchSize: 2) {
                delivered += batch.events.map(\.id)
                if batch.isCaughtUp { break }
            }
            #expect(delivered == ids)
            #expect(try await store.completePosition() == 5)
            try await bystander.query("ROLLBACK", logger: logger)
            try await bystander.close()
        }
    }

    @Test func aSubscriberRestartedWhileAnAppendIsHeldResumesFromItsCheckpoint() async throws {
        try await withPostgresStore { store, database in
            for index in 1...3 {
                try await store.append([event()], to: StreamName("seed-\(index)"), expecting: .noStream)
            }
            let a = try await HeldAppend.begin(on: database)
            let bEvent = UUID()
            let b = Task { try await store.append([event(bEvent)], to: StreamName("order-b"), expecting: .noStream) }
            try await waitUntilAnAppendWaits(in: database)
            var checkpoint = GlobalPosition.none
            for try await batch in store.subscribe(from: .start, batchSize: 2) {
                checkpoint = batch.position
                if batch.isCaughtUp { break }
            }
            #expect(checkpoint == 3)
            // A second store (another app server's pool) resumes from the checkpoint while A still holds.
            let other = try await database.openStore()
            var restarted = other.subscribe(from: checkpoint.next, batchSize: 10).makeAsyncIterator()
            try await a.commit()
            _ = try await b.value
            var delivered: [UUID] = []
            while delivered.count < 2, let batch = try await restarted.next() { delivered += batch.events.map(\.id) }
            #expect(delivered == [a.eventId, bEvent])
            other.close()
        }
    }

    @Test func theAppendLockStatusNamesAHolderAndItsWaiters() async throws {
        try await withPostgresStore { store, database in
            let free = try await store.appendLockStatus()
            #expect(free.holderAge == nil && free.holderProcessId == nil && free.waiting == 0)
            let a = try await HeldAppend.begin(on: database)
            let b = Task { try await store.append([event()], to: StreamName("order-b"), expecting: .noStream) }
            try await waitUntilAnAppendWaits(in: database)
            let held = try await store.appendLockStatus()
            #expect(held.holderAge != nil, "the held append's transaction is the holder")
            #expect(held.holderProcessId != nil)
            #expect(held.waiting == 1, "B waits")
            #expect((held.oldestTransactionAge ?? .zero) >= (held.holderAge ?? .zero))
            try await a.commit()
            _ = try await b.value
            let released = try await store.appendLockStatus()
            #expect(released.holderAge == nil && released.waiting == 0)
        }
    }
}
