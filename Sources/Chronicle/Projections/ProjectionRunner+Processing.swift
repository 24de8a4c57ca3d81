internal import Foundation
internal import Logging
internal import CoreMetrics
internal import Metrics

extension ProjectionRunner {
    /// Feeds one projection from its checkpoint: until `target` when given,
    /// else until the task is cancelled. Each batch is processed in a task of its
    /// own, so cancellation (a shutdown) lets the batch in flight finish and commit.
    static func drive(
        _ entry: Entry, store: any EventStore, batchSize: Int, until target: GlobalPosition?, logger: Logger,
        onCommit: @escaping @Sendable (_ previous: GlobalPosition, _ position: GlobalPosition, _ caughtUp: Bool) async
            throws -> Void
    ) async throws {
        let runnable = entry.runnable
        try await runnable.prepare()
        var committed = try await runnable.checkpoint()
        if let target, committed >= target {
            try await onCommit(committed, committed, true)
            return
        }
        let subscription = store.subscribe(from: committed.next, filter: runnable.filter, batchSize: batchSize)
        for try await batch in subscription {
            try LeaseKeeper.current?.ensureHeld()
            let start = committed
            committed = try await Task {
                try await process(batch, entry: entry, committed: start, logger: logger)
            }.value
            // Lag in events, up to the position the log is complete to (a dense
            // store subtracts; one with gaps counts).
            entry.metrics.lag.record(try await store.eventCount(after: committed, through: batch.completePosition))
            try await onCommit(start, committed, batch.isCaughtUp)
            if let target, committed >= target { return }
            if Task.isCancelled { break }
        }
        if target != nil { throw CancellationError() }
    }

    /// Applies one batch with retries and dead letters; returns the new checkpoint.
    static func process(
        _ batch: SubscriptionBatch, entry: Entry, committed: GlobalPosition, logger: Logger
    ) async throws -> GlobalPosition {
        let runnable = entry.runnable
        let policy = runnable.failurePolicy
        var remaining = batch.events[...]
        if remaining.isEmpty && batch.position <= committed { return committed }
        while true {
            let started = ContinuousClock.now
            do {
                try await runnable.apply(Array(remaining), through: batch.position)
                entry.metrics.handled.increment(by: remaining.count)
                entry.metrics.batchDuration.record(duration: started.duration(to: .now))
                return batch.position
            } catch let failure as ProjectionApplyFailure {
                entry.metrics.handled.increment(by: failure.index)
                entry.metrics.failures.increment()
                remaining = remaining.dropFirst(failure.index)
                let event = remaining.first!
                let outcome = try await policy.retry(afterFailure: failure.cause) { attempts, error in
                    logger.warning(
                        "projection handler failed; retrying",
                        metadata: [
                            "projection": "\(runnable.name)", "position": "\(event.position)", "attempt": "\(attempts)",
                            "error": "\(error)",
                        ])
                } attempt: {
                    do {
                        try await runnable.apply([event], through: event.position)
                        entry.metrics.handled.increment()
                        return nil
                    } catch let retry as ProjectionApplyFailure {
                        entry.metrics.failures.increment()
                        return retry.cause
                    }
                }
                if case .exhausted(let attempts, let lastError) = outcome {
                    let skip = policy.onExhausted == .skip
                    try await runnable.park(event, error: "\(lastError)", attempts: attempts, skip: skip)
                    entry.metrics.deadLettered.increment()
                    logger.error(
                        "projection parked an event after its last attempt",
                        metadata: [
                            "projection": "\(runnable.name)", "position": "\(event.position)",
                            "attempts": "\(attempts)", "error": "\(lastError)", "then": "\(skip ? "skip" : "stop")",
                        ])
                    if !skip {
                        throw ProjectionError(
                            code: .stopped,
                            message: "projection '\(runnable.name)' stopped at position \(event.position) "
                                + "after \(attempts) attempts: \(lastError)",
                            projection: runnable.name, position: event.position, cause: lastError)
                    }
                }
                remaining = remaining.dropFirst()
                if remaining.isEmpty {
                    if batch.position > event.position { try await runnable.apply([], through: batch.position) }
                    return batch.position
                }
            }
        }
    }
}
