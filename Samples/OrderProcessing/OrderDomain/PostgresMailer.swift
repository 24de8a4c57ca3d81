internal import Chronicle
internal import ChroniclePostgres
internal import Foundation
internal import Logging
internal import PostgresNIO

/// The mailer on PostgreSQL: a ``ChroniclePostgres/PostgresInbox`` that writes
/// each `CustomerNotified` to `sent_notifications` in its message's
/// transaction, creating the table with the first message (as SQLite's inbox
/// does with its `prepare`).
struct PostgresMailer: TransactionalMessageHandler {
    let inbox: PostgresInbox
    /// Whether the table is known to exist (shared by copies of this value).
    let prepared: Locked<Bool>

    init(store: PostgresEventStore, registry: EventTypeRegistry) {
        let prepared = Locked(false)
        let logger = PostgresShopStorage.logger
        self.prepared = prepared
        inbox = store.inbox { message, connection in
            if !prepared.withLock({ $0 }) { try await Self.createTable(on: connection, logger: logger) }
            guard let notified = try registry.decode(message.record) as? CustomerNotified else { return }
            // A primary key: a second send of one order's notification would fail loudly.
            try await connection.query(
                """
                INSERT INTO sent_notifications (order_id, customer, kind, text, reason, sent_at)
                VALUES (\(notified.orderId), \(notified.customer), \(notified.kind.rawValue), \(notified.text),
                    \(notified.reason), \(message.record.recordedAt.formatted(.iso8601)))
                """, logger: logger)
        }
    }

    func handle(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async throws -> InboxOutcome {
        let outcome = try await inbox.handle(message, checkpoint: checkpoint, position: position)
        // Committed: the table exists from now on.
        prepared.withLock { $0 = true }
        return outcome
    }

    /// Creates `sent_notifications` if it is missing, under a transaction-scoped
    /// advisory lock: members of the mailer's group in several processes may
    /// start at once, and concurrent `CREATE TABLE IF NOT EXISTS` can clash.
    static func createTable(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('order-processing.sent_notifications'))", logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS sent_notifications (
                order_id TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL, kind TEXT NOT NULL,
                text TEXT NOT NULL, reason TEXT, sent_at TEXT NOT NULL
            )
            """, logger: logger)
    }
}
