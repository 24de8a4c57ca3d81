@_spi(Implementing) public import Chronicle
internal import GRDB

/// Runs a ``SQLiteProjection`` in its store's database: every batch's read-model
/// writes and the checkpoint commit in one transaction, so each event takes
/// effect exactly once, even when the process is killed mid-batch. A retried
/// dead letter's writes, the checkpoint and the removal of the entry commit in
/// one transaction too.
///
/// Make one with ``SQLiteEventStore/exactlyOnce(_:)``.
///
/// ```swift
/// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(OrderSummaryProjection())])
/// ```
public struct SQLiteExactlyOnceProjection<P: SQLiteProjection>: RunnableProjection {
    /// The projection.
    public let projection: P
    let store: SQLiteEventStore

    public var name: String { projection.name }
    public var filter: EventFilter { projection.filter }
    public var failurePolicy: FailurePolicy { projection.failurePolicy }
    public var guarantee: DeliveryGuarantee { .exactlyOnce }

    public func prepare() async throws {
        try await store.withMappedErrors {
            try await store.pool.write { db in try projection.prepare(db) }
        }
    }

    public func checkpoint() async throws -> GlobalPosition {
        try await store.checkpoints.checkpoint(named: name)?.position ?? .none
    }

    public func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        let name = name
        let projection = projection
        // Fast path: the whole batch and its checkpoint in one transaction. When a
        // handler throws, the transaction rolls back; the events before the failed
        // one are then applied again in a transaction of their own, so they commit
        // with the checkpoint at the event before the failure.
        //
        // Each transaction reads the committed checkpoint first and skips events at
        // or below it, and never moves the checkpoint back: a batch delivered again
        // (a restart after a crash between the commit and the runner's own
        // bookkeeping, or a second runner that read the checkpoint before this one
        // committed) applies nothing twice.
        let failure: ProjectionApplyFailure? = try await store.withMappedErrors {
            try await store.pool.writeWithoutTransaction { db in
                var failure: ProjectionApplyFailure?
                try db.inTransaction(.immediate) {
                    let committed = try Self.committed(name, in: db)
                    for (index, event) in events.enumerated() where event.position > committed {
                        do {
                            try projection.apply(event, in: db)
                        } catch {
                            failure = ProjectionApplyFailure(index: index, cause: error)
                            return .rollback
                        }
                    }
                    if position > committed { try SQLiteCheckpointStore.save(position, named: name, in: db) }
                    return .commit
                }
                if let failure, failure.index > 0 {
                    try db.inTransaction(.immediate) {
                        let committed = try Self.committed(name, in: db)
                        for event in events[..<failure.index] where event.position > committed {
                            try projection.apply(event, in: db)
                        }
                        let through = events[failure.index - 1].position
                        if through > committed { try SQLiteCheckpointStore.save(through, named: name, in: db) }
                        return .commit
                    }
                }
                return failure
            }
        }
        if let failure { throw failure }
    }

    public func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        let name = name
        try await store.withMappedErrors {
            try await store.pool.write { db in
                // A checkpoint at or past the event: another runner applied it (or
                // parked and skipped it) meanwhile. Parking it again would list an
                // applied event as failed, and skipping would move the checkpoint back.
                guard event.position > (try Self.committed(name, in: db)) else { return }
                _ = try SQLiteDeadLetterStore.park(event, consumer: name, error: error, attempts: attempts, in: db)
                if skip { try SQLiteCheckpointStore.save(event.position, named: name, in: db) }
            }
        }
    }

    /// The committed checkpoint, read inside the caller's transaction.
    private static func committed(_ name: String, in db: Database) throws -> GlobalPosition {
        try SQLiteCheckpointStore.checkpoint(named: name, in: db)?.position ?? .none
    }

    public func reset() async throws {
        let name = name
        let projection = projection
        try await store.withMappedErrors {
            try await store.pool.write { db in
                try projection.prepare(db)
                try projection.reset(db)
                try SQLiteCheckpointStore.reset(named: name, in: db)
                _ = try SQLiteDeadLetterStore.purge(consumer: name, in: db)
            }
        }
    }

    public func deadLetterCount() async throws -> Int {
        try await store.deadLetters.count(consumer: name)
    }

    public func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        let name = name
        let projection = projection
        return try await store.withMappedErrors {
            try await store.pool.writeWithoutTransaction { db in
                var result = DeadLetterRetryResult.applied
                var failure: (any Error)?
                try db.inTransaction(.immediate) {
                    guard try SQLiteDeadLetterStore.deadLetter(id: id, in: db) != nil else {
                        result = .gone
                        return .rollback
                    }
                    if advancingCheckpoint, try Self.committed(name, in: db) >= event.position {
                        _ = try SQLiteDeadLetterStore.remove(id: id, in: db)
                        result = .alreadyApplied
                        return .commit
                    }
                    do {
                        try projection.apply(event, in: db)
                    } catch {
                        failure = error
                        return .rollback
                    }
                    if advancingCheckpoint { try SQLiteCheckpointStore.save(event.position, named: name, in: db) }
                    _ = try SQLiteDeadLetterStore.remove(id: id, in: db)
                    return .commit
                }
                if let failure {
                    let kept = try SQLiteDeadLetterStore.recordFailedRetry(id: id, error: "\(failure)", in: db)
                    result = kept.map { .failed($0) } ?? .gone
                }
                return result
            }
        }
    }
}

extension SQLiteEventStore {
    /// Wraps a projection whose read model lives in this store's database, so that
    /// a `ProjectionRunner` applies each event exactly once.
    ///
    /// ```swift
    /// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(SalesByProduct())])
    /// ```
    ///
    /// - Parameter projection: The projection.
    /// - Returns: The runnable projection.
    public func exactlyOnce<P: SQLiteProjection>(_ projection: P) -> SQLiteExactlyOnceProjection<P> {
        SQLiteExactlyOnceProjection(projection: projection, store: self)
    }

    /// Wraps a projection whose read model lives elsewhere, with its checkpoint and
    /// dead letters in this store's file: at-least-once.
    ///
    /// ```swift
    /// let runner = try ProjectionRunner(store: store, projections: [store.atLeastOnce(Mailer())])
    /// ```
    ///
    /// - Parameter projection: The projection.
    /// - Returns: The runnable projection.
    public func atLeastOnce<P: Projection>(_ projection: P) -> CheckpointedProjection<P> {
        CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: deadLetters)
    }
}
