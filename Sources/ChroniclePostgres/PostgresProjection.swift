public import Chronicle
public import PostgresNIO

/// A read model kept in the store's own PostgreSQL database: each event takes
/// effect exactly once.
///
/// The runner calls ``apply(_:in:)`` inside the transaction that also moves the
/// projection's checkpoint, so the read model and the checkpoint always agree,
/// across crashes too. Write to your tables through `connection` (postgres-nio's
/// `PostgresConnection`, inside the open transaction); never send `BEGIN`,
/// `COMMIT` or `ROLLBACK` on it, and never write through another connection or
/// pool from the handler: those writes would not roll back with the batch.
///
/// ```swift
/// struct OrderCount: PostgresProjection {
///     let name = "order-count"
///     let logger = Logger(label: "order-count")
///     var filter: EventFilter { EventFilter(eventTypes: ["OrderPlaced"]) }
///     func prepare(_ connection: PostgresConnection) async throws {
///         try await connection.query(
///             "CREATE TABLE IF NOT EXISTS order_count (id int PRIMARY KEY CHECK (id = 1), n bigint NOT NULL)",
///             logger: logger)
///     }
///     func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
///         try await connection.query(
///             "INSERT INTO order_count VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = order_count.n + 1",
///             logger: logger)
///     }
///     func reset(_ connection: PostgresConnection) async throws {
///         try await connection.query("DELETE FROM order_count", logger: logger)
///     }
/// }
/// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(OrderCount())])
/// ```
///
/// A statement that fails aborts the whole transaction in PostgreSQL: a handler
/// that wants to go on after one of its own statements failed sets a
/// `SAVEPOINT` first and rolls back to it. An error thrown by postgres-nio for
/// a handler's statement (`PSQLError`, whose description hides the server's
/// message) reaches the failure policy, the logs and the dead letter as an
/// `EventStoreError` whose message carries the SQLSTATE and the server's
/// message, with a `PostgresServerError` (holding the `PSQLError`) as its `cause`; any other error passes through
/// unchanged.
public protocol PostgresProjection: Sendable {
    /// The stable name: the key of the checkpoint and dead letters.
    var name: String { get }
    /// Which events the projection wants (`EventFilter/all` by default).
    var filter: EventFilter { get }
    /// Retries and what happens after them.
    var failurePolicy: FailurePolicy { get }

    /// Creates the read model's tables; runs in a transaction before the first
    /// batch of every run, so it must be idempotent (`CREATE TABLE IF NOT EXISTS`).
    ///
    /// - Parameter connection: A connection of the store's pool, in a transaction
    ///   that holds the projection's lock (two runners starting at once do not
    ///   create the tables concurrently).
    /// - Throws: Any error: the projection does not start.
    func prepare(_ connection: PostgresConnection) async throws

    /// Applies one event to the read model, inside the batch's transaction.
    ///
    /// - Parameters:
    ///   - event: The next event, in position order.
    ///   - connection: The connection of the transaction that moves the checkpoint.
    /// - Throws: Any error: the batch rolls back to before this event, which is
    ///   then retried by ``failurePolicy``.
    func apply(_ event: EventRecord, in connection: PostgresConnection) async throws

    /// Clears the read model, in the transaction that also clears the checkpoint
    /// and the projection's dead letters.
    ///
    /// - Parameter connection: The connection of that transaction.
    /// - Throws: Any error: the reset rolls back.
    func reset(_ connection: PostgresConnection) async throws
}

extension PostgresProjection {
    public var filter: EventFilter { .all }
    public var failurePolicy: FailurePolicy { .default }
}
