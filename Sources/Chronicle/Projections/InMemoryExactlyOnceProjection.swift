/// A projection whose read model is a Swift value in an
/// ``InMemoryProjectionStore``: the read model, the checkpoint and the dead
/// letters change together under the store's lock, so each event takes effect
/// exactly once within the process.
///
/// Make one with ``InMemoryProjectionStore/exactlyOnce(named:filter:failurePolicy:initial:apply:)``.
///
/// ```swift
/// let projections = InMemoryProjectionStore()
/// let runner = try ProjectionRunner(store: store, projections: [
///     projections.exactlyOnce(named: "order-count", initial: 0) { _, count in count += 1 },
/// ])
/// ```
public struct InMemoryExactlyOnceProjection<ReadModel: Sendable>: RunnableProjection {
    public let name: String
    public let filter: EventFilter
    public let failurePolicy: FailurePolicy
    public var guarantee: DeliveryGuarantee { .exactlyOnce }
    let initial: ReadModel
    let handler: @Sendable (EventRecord, inout ReadModel) throws -> Void
    let store: InMemoryProjectionStore

    init(
        name: String, filter: EventFilter, failurePolicy: FailurePolicy, initial: ReadModel,
        handler: @escaping @Sendable (EventRecord, inout ReadModel) throws -> Void, store: InMemoryProjectionStore
    ) {
        self.name = name
        self.filter = filter
        self.failurePolicy = failurePolicy
        self.initial = initial
        self.handler = handler
        self.store = store
    }

    public func prepare() async throws {
        store.state.withLock { state in
            if !(state.readModels[Array(name.utf8)] is ReadModel) { state.readModels[Array(name.utf8)] = initial }
        }
    }

    public func checkpoint() async throws -> GlobalPosition {
        store.state.withLock { $0.checkpoints.position(of: name) }
    }

    public func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        let key = Array(name.utf8)
        // As the SQLite runner does: the whole batch on a copy; when a handler throws,
        // the events before the failed one are applied again to a fresh copy, which
        // commits with the checkpoint at the event before the failure. Events at or
        // below the committed checkpoint are skipped: re-delivery applies nothing twice.
        let failure: ProjectionApplyFailure? = store.state.withLock { state in
            let committed = state.checkpoints.position(of: name)
            let before = state.readModels[key] as? ReadModel ?? initial
            var model = before
            for (index, event) in events.enumerated() where event.position > committed {
                do {
                    try handler(event, &model)
                } catch {
                    var partial = before
                    for event in events[..<index] where event.position > committed {
                        // Applied once already without an error; a handler that now throws is not deterministic.
                        do { try handler(event, &partial) } catch { return ProjectionApplyFailure(index: 0, cause: error) }
                    }
                    state.readModels[key] = partial
                    if index > 0, events[index - 1].position > committed {
                        state.checkpoints.save(events[index - 1].position, named: name)
                    }
                    return ProjectionApplyFailure(index: index, cause: error)
                }
            }
            state.readModels[key] = model
            if position > committed { state.checkpoints.save(position, named: name) }
            return nil
        }
        if let failure { throw failure }
    }

    public func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        store.state.withLock { state in
            // At or below the checkpoint: another runner applied or parked the event.
            guard event.position > state.checkpoints.position(of: name) else { return }
            _ = state.deadLetters.park(event, consumer: name, error: error, attempts: attempts)
            if skip { state.checkpoints.save(event.position, named: name) }
        }
    }

    public func reset() async throws {
        store.state.withLock { state in
            state.readModels[Array(name.utf8)] = initial
            state.checkpoints.reset(named: name)
            _ = state.deadLetters.purge(consumer: name)
        }
    }

    public func deadLetterCount() async throws -> Int {
        store.state.withLock { $0.deadLetters.count(consumer: name) }
    }

    public func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        let key = Array(name.utf8)
        return store.state.withLock { state in
            guard state.deadLetters.deadLetter(id: id) != nil else { return .gone }
            if advancingCheckpoint, state.checkpoints.position(of: name) >= event.position {
                _ = state.deadLetters.remove(id: id)
                return .alreadyApplied
            }
            var model = state.readModels[key] as? ReadModel ?? initial
            do {
                try handler(event, &model)
            } catch {
                return state.deadLetters.recordFailedRetry(id: id, error: "\(error)").map { .failed($0) } ?? .gone
            }
            state.readModels[key] = model
            if advancingCheckpoint { state.checkpoints.save(event.position, named: name) }
            _ = state.deadLetters.remove(id: id)
            return .applied
        }
    }
}
