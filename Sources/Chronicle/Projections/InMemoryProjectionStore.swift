public import Foundation

/// Checkpoints, dead letters and read models of in-memory projections under
/// one lock: what lets ``InMemoryExactlyOnceProjection`` apply each event
/// exactly once, as a SQLite projection does with one transaction.
///
/// It is a ``CheckpointStore`` and a ``DeadLetterStore`` too, so the runner,
/// the CLI's commands and tests read the projections' checkpoints and dead
/// letters through the usual protocols. Everything is lost when the process
/// ends: use it for tests, previews and read models rebuilt at start-up.
///
/// ```swift
/// let projections = InMemoryProjectionStore()
/// let counts = projections.exactlyOnce(named: "order-count", initial: 0) { event, count in count += 1 }
/// let runner = try ProjectionRunner(store: store, projections: [counts])
/// // later
/// let placed = projections.readModel(of: "order-count", as: Int.self)
/// ```
public final class InMemoryProjectionStore: CheckpointStore, DeadLetterStore, Sendable {
    struct State: Sendable {
        var checkpoints = CheckpointTable()
        var deadLetters = DeadLetterTable()
        /// Read models by the projection name's UTF-8 bytes.
        var readModels: [[UInt8]: any Sendable] = [:]
    }

    let state = Locked(State())

    /// Creates an empty store.
    ///
    /// ```swift
    /// let projections = InMemoryProjectionStore()
    /// ```
    public init() {}

    /// An exactly-once projection whose read model is a Swift value kept here.
    ///
    /// Each batch runs the handler on a copy of the read model and commits the
    /// copy and the checkpoint together, under the store's lock; a handler that
    /// throws leaves the read model as it was before the failed event. Events at
    /// or below the committed checkpoint are skipped, so a batch delivered again
    /// applies nothing twice. Projections made with the same name share one read
    /// model, checkpoint and dead letters.
    ///
    /// The handler runs under the lock: keep it a quick, deterministic function
    /// of the event and the model (it may run again after a failure, on a fresh
    /// copy), and never call this store from it.
    ///
    /// ```swift
    /// let totals = projections.exactlyOnce(named: "totals", initial: [String: Int]()) { event, totals in
    ///     totals[event.stream.category, default: 0] += 1
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The projection's stable name: the key of its read model, checkpoint and dead letters.
    ///   - filter: Which events it wants.
    ///   - failurePolicy: Its retries and what happens after them.
    ///   - initial: The read model before any event, and after a reset.
    ///   - apply: Applies one event to the read model.
    /// - Returns: The runnable projection.
    public func exactlyOnce<ReadModel: Sendable>(
        named name: String, filter: EventFilter = .all, failurePolicy: FailurePolicy = .default,
        initial: ReadModel, apply: @escaping @Sendable (EventRecord, inout ReadModel) throws -> Void
    ) -> InMemoryExactlyOnceProjection<ReadModel> {
        InMemoryExactlyOnceProjection(
            name: name, filter: filter, failurePolicy: failurePolicy, initial: initial, handler: apply, store: self)
    }

    /// The committed read model of a projection.
    ///
    /// ```swift
    /// let totals = projections.readModel(of: "totals", as: [String: Int].self) ?? [:]
    /// ```
    ///
    /// - Parameters:
    ///   - name: The projection's name.
    ///   - type: The read model's type.
    /// - Returns: The read model, or `nil` when the projection was never prepared
    ///   or its read model has another type.
    public func readModel<ReadModel: Sendable>(of name: String, as type: ReadModel.Type) -> ReadModel? {
        state.withLock { $0.readModels[Array(name.utf8)] as? ReadModel }
    }

    public func checkpoint(named name: String) async throws -> Checkpoint? {
        state.withLock { $0.checkpoints.checkpoint(named: name) }
    }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        try AppendValidation.checkCheckpoint(position)
        state.withLock { $0.checkpoints.save(position, named: name) }
    }

    public func reset(named name: String) async throws {
        state.withLock { $0.checkpoints.reset(named: name) }
    }

    public func checkpoints() async throws -> [Checkpoint] {
        state.withLock { $0.checkpoints.checkpoints() }
    }

    @discardableResult
    public func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return state.withLock { $0.deadLetters.park(event, consumer: consumer, error: error, attempts: attempts) }
    }

    @discardableResult
    public func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return state.withLock {
            $0.deadLetters.park(event, consumer: consumer, error: error, attempts: attempts, firstFailedAt: firstFailedAt)
        }
    }

    public func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] {
        try state.withLock { $0.deadLetters }.deadLetters(consumer: consumer, limit: limit)
    }

    public func count(consumer: String?) async throws -> Int {
        state.withLock { $0.deadLetters.count(consumer: consumer) }
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        state.withLock { $0.deadLetters.remove(id: id) }
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        state.withLock { $0.deadLetters.purge(consumer: consumer) }
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        state.withLock { $0.deadLetters.recordFailedRetry(id: id, error: error) }
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        state.withLock { $0.deadLetters.deadLetter(id: id) }
    }
}
