import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import Logging
import PostgresNIO
import PostgresTestSupport
import Testing

/// `PostgresInbox`: a bus handler's writes, the inbox entry and the checkpoint in one transaction.
@Suite("PostgresInbox: exactly-once bus handlers")
struct PostgresInboxTests {
    struct Declined: Error, Equatable {}

    @Test func aMessageIsHandledOnceAndASecondDeliveryIsAlreadyProcessed() async throws {
        try await withInboxStore { (store, database) async throws in
            let calls = Locked(0)
            let inbox = store.inbox { message, connection in
                calls.withLock { $0 += 1 }
                try await Self.reserve(message, on: connection)
            }
            let message = Self.message(position: 5)
            #expect(try await inbox.handle(message, checkpoint: "payments/orders/0", position: 5) == .handled)
            #expect(try await inbox.handle(message, checkpoint: "payments/orders/0", position: 5) == .alreadyProcessed)
            #expect(calls.withLock { $0 } == 1)
            let committed = try await Self.committed(in: database)
            #expect(committed.reservations == [message.id])
            #expect(committed.inbox == [message.id])
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 5)
            // Another group has an inbox of its own.
            let shipping = Self.message(position: 5, group: "shipping", id: message.id)
            #expect(try await inbox.handle(shipping, checkpoint: "shipping/orders/0", position: 5) == .handled)
            #expect(calls.withLock { $0 } == 2)
        }
    }

    @Test func aThrowingHandlerCommitsNothing() async throws {
        try await withInboxStore { (store, database) async throws in
            let failing = store.inbox { message, connection in
                try await Self.reserve(message, on: connection)
                throw Declined()
            }
            let message = Self.message(position: 8)
            await #expect(throws: Declined.self) {
                try await failing.handle(message, checkpoint: "payments/orders/0", position: 8)
            }
            let committed = try await Self.committed(in: database)
            #expect(committed.reservations == [] && committed.inbox == [])
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0") == nil)
            let working = store.inbox { message, connection in try await Self.reserve(message, on: connection) }
            #expect(try await working.handle(message, checkpoint: "payments/orders/0", position: 8) == .handled)
            #expect(try await Self.committed(in: database).reservations == [message.id])
        }
    }

    @Test func theCheckpointNeverMovesBack() async throws {
        try await withInboxStore { (store, _) async throws in
            let inbox = store.inbox { message, connection in try await Self.reserve(message, on: connection) }
            let later = Self.message(position: 10)
            let earlier = Self.message(position: 7)
            let first = try await inbox.handle(later, checkpoint: "payments/orders/0", position: 10)
            let second = try await inbox.handle(earlier, checkpoint: "payments/orders/0", position: 7)
            #expect(first == .handled && second == .handled)
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 10)
            // A message already processed still moves the checkpoint forwards.
            let again = try await inbox.handle(later, checkpoint: "payments/orders/0", position: 12)
            #expect(again == .alreadyProcessed)
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 12)
        }
    }

    @Test func concurrentDeliveriesOfOneMessageRunTheHandlerOnce() async throws {
        try await withInboxStore { (store, database) async throws in
            let inbox = store.inbox { message, connection in try await Self.reserve(message, on: connection) }
            let message = Self.message(position: 4)
            let outcomes = try await withThrowingTaskGroup(of: InboxOutcome.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await inbox.handle(message, checkpoint: "payments/orders/0", position: 4) }
                }
                var outcomes: [InboxOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 == .handled }.count == 1)
            #expect(outcomes.filter { $0 == .alreadyProcessed }.count == 5)
            #expect(try await Self.committed(in: database).reservations == [message.id])
        }
    }

    @Test func aNegativePositionIsAnInvalidArgumentAndRunsNothing() async throws {
        try await withInboxStore { (store, database) async throws in
            let calls = Locked(0)
            let inbox = store.inbox { _, _ in calls.withLock { $0 += 1 } }
            let error = await #expect(throws: EventStoreError.self) {
                try await inbox.handle(Self.message(position: 1), checkpoint: "payments/orders/0", position: GlobalPosition(-1))
            }
            #expect(error?.code == .invalidArgument)
            let committed = try await Self.committed(in: database)
            #expect(calls.withLock { $0 } == 0)
            #expect(committed.inbox == [])
        }
    }

    /// A database made by the first schema version gains the bus's tables; its
    /// dead letters have no first failure.
    @Test func aVersionOneDatabaseIsMigrated() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            store.close()
            let eventId = UUID()
            // Back to version 1, with a dead letter parked then.
            try await database.withConnection { connection, logger in
                for statement: PostgresQuery in [
                    "DROP TABLE chronicle_delivery_attempts", "DROP TABLE chronicle_bus_inbox",
                    "ALTER TABLE chronicle_dead_letters DROP COLUMN first_failed_at",
                    "DELETE FROM chronicle_schema WHERE version > 1",
                    """
                    INSERT INTO chronicle_dead_letters (consumer, position, event_id, stream, type, error, attempts, failed_at)
                    VALUES ('order-summary', 3, \(eventId), 'order-1', 'OrderPlaced', 'boom', 2, 1000000)
                    """,
                ] {
                    try await connection.query(statement, logger: logger)
                }
            }
            let migrated = try await database.openStore()
            defer { migrated.close() }
            #expect(try await migrated.schemaVersion() == 2)
            let letters = try await migrated.deadLetters.deadLetters(consumer: nil, limit: 10)
            #expect(letters.map(\.eventId) == [eventId])
            #expect(letters.first?.firstFailedAt == nil)
            let failed = try await migrated.attempts.recordFailure(consumer: "payments", message: UUID(), error: "e")
            #expect(failed.attempts == 1)
            #expect(try await migrated.bus().attempts.attempts(consumer: "payments", message: failed.messageId) == failed)
        }
    }

    // MARK: Helpers

    static func message(position: Int64, group: String = "payments", id: UUID = UUID()) -> ReceivedMessage {
        let record = EventRecord(
            position: GlobalPosition(position), stream: try! StreamName("orders-\(position)"), version: 1, id: id,
            type: "OrderPlaced", schemaVersion: 1, data: Data("{}".utf8), metadata: EventMetadata(), recordedAt: Date())
        return ReceivedMessage(record: record, group: group, partition: 0, attempt: 1)
    }

    static func reserve(_ message: ReceivedMessage, on connection: PostgresConnection) async throws {
        try await connection.query("INSERT INTO reservations (message_id) VALUES (\(message.id))", logger: PostgresTestServer.logger)
    }

    /// The reservations and the payments group's inbox, read on a connection of their own.
    static func committed(in database: PostgresTestDatabase) async throws -> (reservations: [UUID], inbox: [UUID]) {
        var reservations: [UUID] = []
        var inbox: [UUID] = []
        try await database.withConnection { connection, logger in
            for try await id in try await connection.query(
                "SELECT message_id FROM reservations ORDER BY id", logger: logger
            ).decode(UUID.self) {
                reservations.append(id)
            }
            for try await id in try await connection.query(
                "SELECT message_id FROM chronicle_bus_inbox WHERE consumer = 'payments'", logger: logger
            ).decode(UUID.self) {
                inbox.append(id)
            }
        }
        return (reservations, inbox)
    }

    /// A store on a fresh database with the handlers' table.
    private func withInboxStore(_ body: (PostgresEventStore, PostgresTestDatabase) async throws -> Void) async throws {
        try await withPostgresStore { store, database in
            try await database.withConnection { connection, logger in
                try await connection.query(
                    "CREATE TABLE reservations (id bigserial PRIMARY KEY, message_id uuid NOT NULL)", logger: logger)
            }
            try await body(store, database)
        }
    }
}
