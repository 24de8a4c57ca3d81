import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// Live subscriptions across pools wake through LISTEN/NOTIFY, and polling
/// covers a lost notification.
@Suite("PostgreSQL: append notifications", .timeLimit(.minutes(2)))
struct PostgresNotificationTests {
    /// Returns once `count` sessions of the database listen for appends.
    func waitForListeners(_ count: Int, in database: PostgresTestDatabase) async throws -> [Int32] {
        let (connection, logger) = try await database.connect()
        defer { Task { try? await connection.close() } }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            var pids: [Int32] = []
            for try await pid in try await connection.query(
                """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%chronicle_appends%'
                """, logger: logger
            ).decode(Int32.self) {
                pids.append(pid)
            }
            if pids.count >= count { return pids }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("no store listened within 30 s")
        return []
    }

    func event() -> NewEvent { NewEvent(type: "Placed", data: Data("{}".utf8)) }

    @Test func aSubscriberInAnotherPoolWakesOnTheNotificationNotOnPolling() async throws {
        try await withPostgresStore { writer, database in
            // The subscriber's store would poll once a minute: only a notification wakes it in time.
            let follower = try await database.openStore(options: .init(fallbackPollInterval: .seconds(60)))
            defer { follower.close() }
            let received = Task {
                var ids: [UUID] = []
                for try await batch in follower.subscribe(from: .start) {
                    ids += batch.events.map(\.id)
                    if ids.count == 2 { break }
                }
                return ids
            }
            _ = try await waitForListeners(1, in: database)
            let first = event()
            try await writer.append([first], to: StreamName("order-1"), expecting: .noStream)
            let second = event()
            try await writer.append([second], to: StreamName("order-2"), expecting: .noStream)
            let started = ContinuousClock.now
            let ids = try await received.value
            #expect(ids == [first.id, second.id])
            #expect(ContinuousClock.now - started < .seconds(30), "woken well before the 60 s poll")
        }
    }

    @Test func aLostListeningConnectionOnlyDelaysDeliveryAndIsReplaced() async throws {
        try await withPostgresStore { writer, database in
            let follower = try await database.openStore(options: .init(fallbackPollInterval: .milliseconds(200)))
            defer { follower.close() }
            let received = Task {
                for try await batch in follower.subscribe(from: .start) where !batch.events.isEmpty {
                    return batch.events.map(\.id)
                }
                return []
            }
            let listeners = try await waitForListeners(1, in: database)
            let listener = try #require(listeners.first)
            // The server ends the listening session: notifications to it are lost.
            let (admin, logger) = try await database.connect()
            try await admin.query("SELECT pg_terminate_backend(\(listener))", logger: logger)
            try await admin.close()
            let lost = event()
            try await writer.append([lost], to: StreamName("order-1"), expecting: .noStream)
            #expect(try await received.value == [lost.id], "polling delivered it")
            // A new listening connection replaces the lost one.
            let replaced = try await waitForListeners(1, in: database)
            #expect(replaced.first != nil && replaced.first != listener)
        }
    }
}
