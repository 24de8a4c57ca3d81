import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Logging
import Testing

@testable import ChronicleSQLite

/// `SQLiteInbox`: a bus handler's writes, the inbox entry and the checkpoint in one transaction.
@Suite("SQLite inbox: exactly-once bus handlers")
struct SQLiteInboxTests {
    struct Declined: Error, Equatable {}

    @Test func aMessageIsHandledWithItsInboxEntryAndCheckpointInOneCommit() async throws {
        try await withStore { (store) async throws in
            let calls = Locked(0)
            let inbox = store.inbox { message, db in
                calls.withLock { $0 += 1 }
                try Self.reserve(message, in: db)
            }
            let message = Self.message(position: 5)
            #expect(try await inbox.handle(message, checkpoint: "payments/orders/0", position: 5) == .handled)
            #expect(calls.withLock { $0 } == 1)
            #expect(try await Self.reservations(in: store) == [message.id])
            #expect(try await Self.inboxHolds(message, in: store))
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 5)
        }
    }

    @Test func theSameMessageTwiceIsHandledOnce() async throws {
        try await withStore { (store) async throws in
            let calls = Locked(0)
            let inbox = store.inbox { message, db in
                calls.withLock { $0 += 1 }
                try Self.reserve(message, in: db)
            }
            let message = Self.message(position: 3)
            #expect(try await inbox.handle(message, checkpoint: "payments/orders/0", position: 3) == .handled)
            #expect(try await inbox.handle(message, checkpoint: "payments/orders/0", position: 3) == .alreadyProcessed)
            #expect(calls.withLock { $0 } == 1)
            #expect(try await Self.reservations(in: store) == [message.id])
            // Another group has an inbox of its own: the same message is new to it.
            let shipping = Self.message(position: 3, group: "shipping", id: message.id)
            #expect(try await inbox.handle(shipping, checkpoint: "shipping/orders/0", position: 3) == .handled)
            #expect(calls.withLock { $0 } == 2)
        }
    }

    @Test func aThrowingHandlerCommitsNothing() async throws {
        try await withStore { (store) async throws in
            let failing = store.inbox { message, db in
                try Self.reserve(message, in: db)
                throw Declined()
            }
            let message = Self.message(position: 8)
            await #expect(throws: Declined.self) {
                try await failing.handle(message, checkpoint: "payments/orders/0", position: 8)
            }
            #expect(try await Self.reservations(in: store) == [])
            #expect(try await !Self.inboxHolds(message, in: store))
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0") == nil)
            // Nothing was recorded: the next delivery runs the handler.
            let working = store.inbox { message, db in try Self.reserve(message, in: db) }
            #expect(try await working.handle(message, checkpoint: "payments/orders/0", position: 8) == .handled)
            #expect(try await Self.reservations(in: store) == [message.id])
        }
    }

    @Test func theCheckpointNeverMovesBack() async throws {
        try await withStore { (store) async throws in
            let inbox = store.inbox { message, db in try Self.reserve(message, in: db) }
            let later = Self.message(position: 10)
            let earlier = Self.message(position: 7)
            #expect(try await inbox.handle(later, checkpoint: "payments/orders/0", position: 10) == .handled)
            #expect(try await inbox.handle(earlier, checkpoint: "payments/orders/0", position: 7) == .handled)
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 10)
            // A message already processed still moves the checkpoint forwards.
            #expect(try await inbox.handle(later, checkpoint: "payments/orders/0", position: 12) == .alreadyProcessed)
            #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 12)
            #expect(Set(try await Self.reservations(in: store)) == [later.id, earlier.id])
        }
    }

    @Test func aNegativePositionIsAnInvalidArgumentAndRunsNothing() async throws {
        try await withStore { (store) async throws in
            let calls = Locked(0)
            let inbox = store.inbox { _, _ in calls.withLock { $0 += 1 } }
            let message = Self.message(position: 1)
            let error = await #expect(throws: EventStoreError.self) {
                try await inbox.handle(message, checkpoint: "payments/orders/0", position: GlobalPosition(-1))
            }
            #expect(error?.code == .invalidArgument)
            let held = try await Self.inboxHolds(message, in: store)
            #expect(calls.withLock { $0 } == 0)
            #expect(!held)
        }
    }

    @Test func busesOfOneFileShareItsStores() async throws {
        try await withStore { (store) async throws in
            let message = UUID()
            try await store.bus().attempts.recordFailure(consumer: "payments", message: message, error: "timeout")
            let bus = store.bus()
            #expect(try await bus.attempts.attempts(consumer: "payments", message: message)?.attempts == 1)
            try await store.checkpoints.save(4, named: "payments/orders/0")
            #expect(try await bus.checkpoints.checkpoint(named: "payments/orders/0")?.position == 4)
            let opened = SQLiteBackendStore(store, wasCreated: false)
            #expect(try await opened.bus.attempts.attempts(consumer: "payments", message: message)?.lastError == "timeout")
            #expect(bus.logger.label == "chronicle.bus")
        }
    }

    // MARK: Helpers

    static func message(position: Int64, group: String = "payments", id: UUID = UUID()) -> ReceivedMessage {
        let record = EventRecord(
            position: GlobalPosition(position), stream: try! StreamName("orders-\(position)"), version: 1, id: id,
            type: "OrderPlaced", schemaVersion: 1, data: Data("{}".utf8), metadata: EventMetadata(), recordedAt: Date())
        return ReceivedMessage(record: record, group: group, partition: 0, attempt: 1)
    }

    static func reserve(_ message: ReceivedMessage, in db: Database) throws {
        try db.execute(sql: "INSERT INTO reservations (message_id) VALUES (?)", arguments: [message.id.uuidString])
    }

    static func reservations(in store: SQLiteEventStore) async throws -> [UUID] {
        try await store.read { db in
            try String.fetchAll(db, sql: "SELECT message_id FROM reservations ORDER BY rowid").compactMap(UUID.init)
        }
    }

    static func inboxHolds(_ message: ReceivedMessage, in store: SQLiteEventStore) async throws -> Bool {
        try await store.read { db in try SQLiteInbox.holds(message, in: db) }
    }

    /// A fresh store with the handlers' table, closed after `body`.
    private func withStore(_ body: (SQLiteEventStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("events.sqlite"), options: .init(durability: .normal))
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE reservations (message_id TEXT NOT NULL)") }
        try await body(store)
        try store.close()
    }
}
