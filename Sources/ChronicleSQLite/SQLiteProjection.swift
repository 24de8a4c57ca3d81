public import Chronicle
public import GRDB

/// A read model kept in the store's own SQLite database: each event takes effect
/// exactly once.
///
/// The runner calls ``apply(_:in:)`` inside the write transaction that also
/// moves the projection's checkpoint, so the read model and the checkpoint
/// always agree, across crashes too. Write to your tables through `db`; never
/// start another transaction or touch another database from the handler.
///
/// ```swift
/// struct OrderCountProjection: SQLiteProjection {
///     let name = "order-count"
///     var filter: EventFilter { EventFilter(eventTypes: ["OrderPlaced"]) }
///     func prepare(_ db: Database) throws {
///         try db.execute(sql: "CREATE TABLE IF NOT EXISTS order_count (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER)")
///     }
///     func apply(_ event: EventRecord, in db: Database) throws {
///         try db.execute(sql: "INSERT INTO order_count VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1")
///     }
///     func reset(_ db: Database) throws { try db.execute(sql: "DELETE FROM order_count") }
/// }
/// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(OrderCountProjection())])
/// ```
public protocol SQLiteProjection: Sendable {
    /// The stable name: the key of the checkpoint and dead letters.
    var name: String { get }
    /// Which events the projection wants (`EventFilter/all` by default).
    var filter: EventFilter { get }
    /// Retries and what happens after them.
    var failurePolicy: FailurePolicy { get }

    /// Creates the read model's tables; runs in a transaction before the first
    /// batch of every run, so it must be idempotent (`CREATE TABLE IF NOT EXISTS`).
    ///
    /// - Parameter db: The store's database, in a write transaction.
    /// - Throws: Any error: the projection does not start.
    func prepare(_ db: Database) throws

    /// Applies one event to the read model, inside the batch's transaction.
    ///
    /// - Parameters:
    ///   - event: The next event, in position order.
    ///   - db: The store's database, in the transaction that moves the checkpoint.
    /// - Throws: Any error: the batch rolls back to before this event, which is
    ///   then retried by ``failurePolicy``.
    func apply(_ event: EventRecord, in db: Database) throws

    /// Clears the read model, in the transaction that also clears the checkpoint.
    ///
    /// - Parameter db: The store's database, in a write transaction.
    /// - Throws: Any error: the reset rolls back.
    func reset(_ db: Database) throws
}

extension SQLiteProjection {
    public var filter: EventFilter { .all }
    public var failurePolicy: FailurePolicy { .default }
}
