@_spi(Implementing) public import Chronicle
internal import Foundation
public import GRDB

/// A bus handler whose writes commit in the store's SQLite file together with
/// the message's inbox entry and the group's checkpoint: each message takes
/// effect exactly once, even when the process dies between the handler and the
/// checkpoint, or the message is delivered again.
///
/// One IMMEDIATE transaction per message: when the group's inbox
/// (`chronicle_bus_inbox`) already holds the message id, the handler is skipped
/// (`InboxOutcome.alreadyProcessed`); otherwise it runs and the id is added.
/// Then the checkpoint is saved, unless it is already at or past the position
/// (it never moves back). When the handler throws, nothing commits and its
/// error is rethrown unchanged.
///
/// Make one with ``SQLiteEventStore/inbox(prepare:_:)``.
///
/// ```swift
/// let inbox = store.inbox { message, db in
///     try db.execute(sql: "INSERT INTO reservations (order_id) VALUES (?)", arguments: [message.stream.id])
/// }
/// try await bus.consume(group, inbox: inbox)
/// ```
public struct SQLiteInbox: TransactionalMessageHandler {
    let store: SQLiteEventStore
    let handler: @Sendable (ReceivedMessage, Database) throws -> Void
    let prepare: (@Sendable (Database) throws -> Void)?
    /// Whether `prepare` has committed (shared by copies of this value).
    let prepared = Locked(false)

    /// Handles one message exactly once (see the type's description).
    ///
    /// ```swift
    /// let outcome = try await inbox.handle(message, checkpoint: "payments/orders/0", position: message.record.position)
    /// ```
    ///
    /// - Parameters:
    ///   - message: The message; its group names the inbox.
    ///   - checkpoint: The name of the checkpoint to advance.
    ///   - position: The position to save it at.
    /// - Returns: `InboxOutcome.handled` when the handler ran,
    ///   `InboxOutcome.alreadyProcessed` when the inbox held the message.
    /// - Throws: The handler's error, unchanged (nothing committed);
    ///   `EventStoreError` `.invalidArgument` for a negative position, or on a
    ///   storage failure.
    public func handle(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async throws
        -> InboxOutcome
    {
        try AppendValidation.checkCheckpoint(position)
        let handler = handler
        let prepare = prepared.withLock { $0 } ? nil : self.prepare
        let (outcome, failure): (InboxOutcome, (any Error)?) = try await store.withMappedErrors {
            try await store.pool.writeWithoutTransaction { db in
                var outcome = InboxOutcome.handled
                var failure: (any Error)?
                try db.inTransaction(.immediate) {
                    // The handler's tables, created (idempotently) with the first message.
                    try prepare?(db)
                    if try Self.holds(message, in: db) {
                        outcome = .alreadyProcessed
                    } else {
                        do {
                            try handler(message, db)
                        } catch {
                            failure = error
                            return .rollback
                        }
                        try Self.add(message, in: db)
                    }
                    let committed = try SQLiteCheckpointStore.checkpoint(named: checkpoint, in: db)?.position
                    if committed.map({ position > $0 }) ?? true {
                        try SQLiteCheckpointStore.save(position, named: checkpoint, in: db)
                    }
                    return .commit
                }
                return (outcome, failure)
            }
        }
        if let failure { throw failure }
        if prepare != nil { prepared.withLock { $0 = true } }
        return outcome
    }

    /// Whether the group's inbox holds the message.
    static func holds(_ message: ReceivedMessage, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM chronicle_bus_inbox WHERE consumer = ? AND message_id = ?)"),
            arguments: [message.group, message.id]) ?? false
    }

    /// Adds the message to the group's inbox.
    static func add(_ message: ReceivedMessage, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO chronicle_bus_inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)"
        ).execute(arguments: [message.group, message.id, SQLiteTime.now()])
    }
}

extension SQLiteEventStore {
    /// Wraps a bus handler whose writes live in this store's file, so that a
    /// consumer group applies each message exactly once (see ``SQLiteInbox``).
    ///
    /// The handler runs inside the message's transaction: it writes through
    /// `db` only, and does nothing it cannot undo (no network calls), since a
    /// rollback undoes its writes alone.
    ///
    /// ```swift
    /// let inbox = store.inbox(prepare: { db in
    ///     try db.execute(sql: "CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, reserved INTEGER NOT NULL DEFAULT 0)")
    /// }) { message, db in
    ///     try db.execute(sql: "UPDATE stock SET reserved = reserved + 1 WHERE sku = ?", arguments: [message.stream.id])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - prepare: Creates the handler's tables if they are missing (`CREATE TABLE IF NOT EXISTS`,
    ///     `db.create(table:options: [.ifNotExists])`); run in the first message's transaction.
    ///   - handle: The handler, given the message and the transaction's database.
    /// - Returns: The transactional handler to give a consumer group.
    public func inbox(
        prepare: (@Sendable (Database) throws -> Void)? = nil,
        _ handle: @escaping @Sendable (ReceivedMessage, Database) throws -> Void
    ) -> SQLiteInbox {
        SQLiteInbox(store: self, handler: handle, prepare: prepare)
    }
}
