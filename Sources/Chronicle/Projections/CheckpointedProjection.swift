/// Runs a ``Projection`` with its checkpoint and dead letters in separate
/// stores: at-least-once.
///
/// The checkpoint is saved after the handlers of a batch ran, so a crash in
/// between applies those events again on restart. A retried dead letter is
/// applied, then its entry removed: a crash in between leaves the entry, and a
/// second retry applies the event again.
///
/// ```swift
/// let runnable = CheckpointedProjection(
///     SearchIndexer(), checkpoints: store.checkpoints, deadLetters: store.deadLetters)
/// ```
public struct CheckpointedProjection<P: Projection>: RunnableProjection {
    /// The projection.
    public let projection: P
    let checkpoints: any CheckpointStore
    let deadLetters: any DeadLetterStore

    /// Wraps a projection.
    ///
    /// - Parameters:
    ///   - projection: The projection.
    ///   - checkpoints: Where its checkpoint lives.
    ///   - deadLetters: Where its failed events are parked.
    public init(_ projection: P, checkpoints: some CheckpointStore, deadLetters: some DeadLetterStore) {
        self.projection = projection
        self.checkpoints = checkpoints
        self.deadLetters = deadLetters
    }

    public var name: String { projection.name }
    public var filter: EventFilter { projection.filter }
    public var failurePolicy: FailurePolicy { projection.failurePolicy }
    public var guarantee: DeliveryGuarantee { .atLeastOnce }

    public func prepare() async throws {}

    public func checkpoint() async throws -> GlobalPosition {
        try await checkpoints.checkpoint(named: name)?.position ?? .none
    }

    public func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        for (index, event) in events.enumerated() {
            do {
                try await projection.apply(event)
            } catch {
                if index > 0 { try await checkpoints.save(events[index - 1].position, named: name) }
                throw ProjectionApplyFailure(index: index, cause: error)
            }
        }
        try await checkpoints.save(position, named: name)
    }

    public func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        try await deadLetters.park(event, consumer: name, error: error, attempts: attempts)
        if skip { try await checkpoints.save(event.position, named: name) }
    }

    public func reset() async throws {
        try await projection.reset()
        try await checkpoints.reset(named: name)
        try await deadLetters.purge(consumer: name)
    }

    public func deadLetterCount() async throws -> Int {
        try await deadLetters.count(consumer: name)
    }

    public func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        guard try await deadLetters.deadLetter(id: id) != nil else { return .gone }
        if advancingCheckpoint, try await checkpoint() >= event.position {
            try await deadLetters.remove(id: id)
            return .alreadyApplied
        }
        do {
            try await projection.apply(event)
        } catch {
            return try await deadLetters.recordFailedRetry(id: id, error: "\(error)").map { .failed($0) } ?? .gone
        }
        if advancingCheckpoint { try await checkpoints.save(event.position, named: name) }
        try await deadLetters.remove(id: id)
        return .applied
    }
}
