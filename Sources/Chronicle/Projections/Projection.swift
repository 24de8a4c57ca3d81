/// A read model fed by the global log, delivered at least once.
///
/// A projection has a stable ``name`` (the key of its checkpoint), says which
/// events it wants, applies them one by one, and can clear its read model for
/// a rebuild. Run it with a ``ProjectionRunner`` through a
/// ``CheckpointedProjection``: the checkpoint is saved after the handler, so a
/// crash between the two delivers the event again. Make the handler idempotent
/// (an upsert, a check of the event's position) where that matters. For read
/// models inside the store's SQLite database, `SQLiteProjection` in
/// `ChronicleSQLite` applies each event exactly once instead.
///
/// ```swift
/// struct PaidOrdersCounter: Projection {
///     let name = "paid-orders"
///     let counter: Counter   // an actor of the app's
///     var filter: EventFilter { EventFilter(eventTypes: ["OrderPaid"]) }
///     func apply(_ event: EventRecord) async throws { await counter.increment() }
///     func reset() async throws { await counter.clear() }
/// }
/// ```
public protocol Projection: Sendable {
    /// The stable name: the key of the checkpoint and dead letters.
    var name: String { get }
    /// Which events the projection wants (``EventFilter/all`` by default).
    var filter: EventFilter { get }
    /// Retries and what happens after them (``FailurePolicy/default``).
    var failurePolicy: FailurePolicy { get }

    /// Applies one event to the read model.
    ///
    /// - Parameter event: The next event, in position order.
    /// - Throws: Any error: the event is retried by ``failurePolicy``.
    func apply(_ event: EventRecord) async throws

    /// Clears the read model, before a rebuild.
    ///
    /// - Throws: Any error: the reset fails and nothing else changes.
    func reset() async throws
}

extension Projection {
    public var filter: EventFilter { .all }
    public var failurePolicy: FailurePolicy { .default }
}
