@_spi(Implementing) public import Chronicle
internal import Logging
public import PostgresNIO

/// A bus handler whose writes commit in the store's database together with
/// the message's inbox entry and the group's checkpoint: each message takes
/// effect exactly once, even when the process dies between the handler and the
/// checkpoint, or the message is delivered again.
///
/// One transaction per message: it adds the message id to the group's inbox
/// (`chronicle_bus_inbox`) first; when the id was there already the handler is
/// skipped (`InboxOutcome.alreadyProcessed`), otherwise it runs on the
/// transaction's connection. Then the checkpoint is saved, unless it is already
/// at or past the position (it never moves back). A second transaction with the
/// same message, in any process, waits at the inbox row for the first to end.
/// When the handler throws, nothing commits and its error is rethrown (a
/// `PSQLError` of its own statement as a readable `EventStoreError`, as for
/// exactly-once projections).
///
/// Make one with ``PostgresEventStore/inbox(_:)``.
///
/// ```swift
/// let inbox = store.inbox { message, connection in
///     try await connection.query("INSERT INTO reservations (order_id) VALUES (\(message.stream.id))", logger: logger)
/// }
/// try await bus.consume(group, inbox: inbox)
/// ```
public struct PostgresInbox: TransactionalMessageHandler {
    let store: PostgresEventStore
    let handler: @Sendable (ReceivedMessage, PostgresConnection) async throws -> Void

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
    /// - Throws: The handler's error (nothing committed); `EventStoreError`
    ///   `.invalidArgument` for a negative position, or on a storage failure.
    public func handle(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async throws
        -> InboxOutcome
    {
        try AppendValidation.checkCheckpoint(position)
        try Task.checkCancellation()
        let handler = handler
        let logger = store.database.logger
        let location = store.configuration
        return try await store.database.userTransaction { connection in
            let added = try await PostgresConsumerRows.addToInbox(
                message.id, consumer: message.group, on: connection, logger: logger)
            if added {
                do {
                    try await handler(message, connection)
                } catch {
                    throw UserCodeError(cause: UserCodeError.readable(error, location: location))
                }
            }
            try await PostgresConsumerRows.advanceCheckpoint(position, named: checkpoint, on: connection, logger: logger)
            return .commit(added ? InboxOutcome.handled : .alreadyProcessed)
        }
    }
}

extension PostgresEventStore {
    /// Wraps a bus handler whose writes live in this store's database, so that
    /// a consumer group applies each message exactly once (see ``PostgresInbox``).
    ///
    /// The handler runs inside the message's transaction: it writes through
    /// `connection` only (never `COMMIT` or `ROLLBACK` itself) and does nothing
    /// it cannot undo, since a rollback undoes its writes alone.
    ///
    /// ```swift
    /// let inbox = store.inbox { message, connection in
    ///     try await connection.query("UPDATE stock SET reserved = reserved + 1 WHERE sku = \(message.stream.id)", logger: logger)
    /// }
    /// ```
    ///
    /// - Parameter handle: The handler, given the message and the transaction's connection.
    /// - Returns: The transactional handler to give a consumer group.
    public func inbox(
        _ handle: @escaping @Sendable (ReceivedMessage, PostgresConnection) async throws -> Void
    ) -> PostgresInbox {
        PostgresInbox(store: self, handler: handle)
    }
}
