@_spi(Implementing) public import Chronicle
internal import Logging
internal import PostgresNIO

/// Runs a ``PostgresProjection`` in its store's database: every batch's
/// read-model writes and the checkpoint commit in one transaction, so each
/// event takes effect exactly once, even when the process dies mid-batch. A
/// retried dead letter's writes, the checkpoint and the removal of the entry
/// commit in one transaction too.
///
/// Every transaction of a projection first takes the projection's advisory
/// lock (transaction-scoped), then reads the committed checkpoint and skips the
/// events at or below it, and never moves the checkpoint back: a batch
/// delivered again (a restart after a crash, or a second runner in another
/// process that read the checkpoint before this one committed) applies nothing
/// twice, and two runners of one projection wait for each other instead of
/// interleaving.
///
/// Make one with ``PostgresEventStore/exactlyOnce(_:)``.
///
/// ```swift
/// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(OrderSummaryProjection())])
/// ```
public struct PostgresExactlyOnceProjection<P: PostgresProjection>: RunnableProjection {
    /// The projection.
    public let projection: P
    let store: PostgresEventStore

    public var name: String { projection.name }
    public var filter: EventFilter { projection.filter }
    public var failurePolicy: FailurePolicy { projection.failurePolicy }
    public var guarantee: DeliveryGuarantee { .exactlyOnce }

    private var database: PostgresDatabase { store.database }
    private var logger: Logger { store.database.logger }

    public func prepare() async throws {
        let name = name
        let projection = projection
        let logger = logger
        try await database.userTransaction { connection in
            try await PostgresConsumerRows.lockProjection(name, on: connection, logger: logger)
            try await UserCodeError.marking { try await projection.prepare(connection) }
            return .commit(())
        }
    }

    public func checkpoint() async throws -> GlobalPosition {
        let name = name
        let logger = logger
        return try await database.withConnection { connection in
            try await PostgresConsumerRows.checkpoint(name, on: connection, logger: logger)
        }
    }

    public func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        // The whole batch and its checkpoint in one transaction. When a handler
        // throws, the transaction rolls back (PostgreSQL aborts it at a failed
        // statement anyway); the events before the failed one are then applied
        // again in a transaction of their own, so that they commit with the
        // checkpoint at the event before the failure. A savepoint per event
        // would avoid the second pass but cost two round trips per event on
        // every batch, for a failure that is rare.
        var count = events.count
        var failure: ProjectionApplyFailure?
        repeat {
            let through = count == events.count ? position : events[count - 1].position
            if let failed = try await applyOnce(Array(events[..<count]), through: through) {
                failure = failed
                count = failed.index
            } else {
                break
            }
        } while count > 0
        if let failure { throw failure }
    }

    /// One transaction: applies `events` after the committed checkpoint and
    /// moves it to `position`; on a handler's error, rolls back and returns it.
    private func applyOnce(_ events: [EventRecord], through position: GlobalPosition) async throws
        -> ProjectionApplyFailure?
    {
        let name = name
        let projection = projection
        let logger = logger
        let location = store.configuration
        return try await database.userTransaction { connection in
            try await PostgresConsumerRows.lockProjection(name, on: connection, logger: logger)
            let committed = try await PostgresConsumerRows.checkpoint(name, on: connection, logger: logger)
            for (index, event) in events.enumerated() where event.position > committed {
                do {
                    try await projection.apply(event, in: connection)
                } catch {
                    let cause = UserCodeError.readable(error, location: location)
                    return .rollback(ProjectionApplyFailure(index: index, cause: cause))
                }
            }
            if position > committed {
                try await PostgresConsumerRows.saveCheckpoint(position, named: name, on: connection, logger: logger)
            }
            return .commit(nil)
        }
    }

    public func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        try AppendValidation.checkAttempts(attempts)
        let name = name
        let logger = logger
        try await database.userTransaction { connection in
            try await PostgresConsumerRows.lockProjection(name, on: connection, logger: logger)
            // A checkpoint at or past the event: another runner applied it (or
            // parked and skipped it) meanwhile. Parking it again would list an
            // applied event as failed, and skipping would move the checkpoint back.
            let committed = try await PostgresConsumerRows.checkpoint(name, on: connection, logger: logger)
            guard event.position > committed else { return .rollback(()) }
            try await PostgresConsumerRows.park(
                event, consumer: name, error: error, attempts: attempts, on: connection, logger: logger)
            if skip {
                try await PostgresConsumerRows.saveCheckpoint(event.position, named: name, on: connection, logger: logger)
            }
            return .commit(())
        }
    }

    public func reset() async throws {
        let name = name
        let projection = projection
        let logger = logger
        try await database.userTransaction { connection in
            try await PostgresConsumerRows.lockProjection(name, on: connection, logger: logger)
            try await UserCodeError.marking {
                try await projection.prepare(connection)
                try await projection.reset(connection)
            }
            try await PostgresConsumerRows.deleteCheckpoint(name, on: connection, logger: logger)
            try await PostgresConsumerRows.purgeDeadLetters(name, on: connection, logger: logger)
            return .commit(())
        }
    }

    public func deadLetterCount() async throws -> Int {
        let name = name
        let logger = logger
        return try await database.withConnection { connection in
            try await PostgresConsumerRows.deadLetterCount(name, on: connection, logger: logger)
        }
    }

    public func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        let name = name
        let projection = projection
        let logger = logger
        let location = store.configuration
        let outcome: RetryOutcome = try await database.userTransaction { connection in
            try await PostgresConsumerRows.lockProjection(name, on: connection, logger: logger)
            guard try await PostgresConsumerRows.lockDeadLetter(id: id, on: connection, logger: logger) != nil else {
                return .rollback(.done(.gone))
            }
            if advancingCheckpoint,
                try await PostgresConsumerRows.checkpoint(name, on: connection, logger: logger) >= event.position
            {
                try await PostgresConsumerRows.removeDeadLetter(id: id, on: connection, logger: logger)
                return .commit(.done(.alreadyApplied))
            }
            do {
                try await projection.apply(event, in: connection)
            } catch {
                return .rollback(.failed("\(UserCodeError.readable(error, location: location))"))
            }
            if advancingCheckpoint {
                try await PostgresConsumerRows.saveCheckpoint(event.position, named: name, on: connection, logger: logger)
            }
            try await PostgresConsumerRows.removeDeadLetter(id: id, on: connection, logger: logger)
            return .commit(.done(.applied))
        }
        switch outcome {
        case .done(let result):
            return result
        case .failed(let error):
            let kept = try await database.withConnection { connection in
                try await PostgresConsumerRows.recordFailedRetry(id: id, error: error, on: connection, logger: logger)
            }
            return kept.map { .failed($0) } ?? .gone
        }
    }
}

/// How a dead letter's retry transaction ended: with a result, or with the
/// handler's error (rolled back; the entry gets an attempt afterwards).
private enum RetryOutcome: Sendable {
    case done(DeadLetterRetryResult)
    case failed(String)
}

extension PostgresEventStore {
    /// Wraps a projection whose read model lives in this store's database, so
    /// that a `ProjectionRunner` applies each event exactly once.
    ///
    /// ```swift
    /// let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(SalesByProduct())])
    /// ```
    ///
    /// - Parameter projection: The projection.
    /// - Returns: The runnable projection.
    public func exactlyOnce<P: PostgresProjection>(_ projection: P) -> PostgresExactlyOnceProjection<P> {
        PostgresExactlyOnceProjection(projection: projection, store: self)
    }
}
