internal import CoreMetrics
internal import Logging

extension ProjectionRunner {
    /// Applies a dead letter's event through its projection once more and
    /// removes the entry when the handler succeeds; when it fails again, the
    /// entry stays with one more attempt and the new error.
    ///
    /// The runner first works out where the projection stands against the event:
    /// - checkpoint at or past the event, policy ``FailurePolicy/Exhausted/skip``:
    ///   the projection skipped it; the event is applied out of order and the
    ///   checkpoint stays.
    /// - checkpoint at or past the event, policy ``FailurePolicy/Exhausted/stop``:
    ///   a projection that stops never skips, so it applied the event when it ran
    ///   again; the entry is removed without applying it twice (`.alreadyApplied`).
    /// - checkpoint before the event, and the event is the next one the
    ///   projection wants: it stopped there; the event is applied and the
    ///   checkpoint moves to it, so the projection goes on after it.
    /// - checkpoint further back (it was moved back by hand): nothing changes
    ///   (`.notReached`); the projection meets the event when it runs.
    ///
    /// For exactly-once projections, applying, moving the checkpoint and removing
    /// the entry commit in one transaction. At-least-once projections apply, then
    /// remove: a crash in between keeps the entry, and retrying it again applies
    /// the event again. The runner holds the projection's lease during the retry
    /// (``ProjectionError/Code/leaseHeld`` while another process runs it); a
    /// projection this runner follows is paused during the retry.
    ///
    /// ```swift
    /// for letter in try await store.deadLetters.deadLetters(consumer: "order-summary", limit: 100) {
    ///     if case .failed(let kept) = try await runner.retry(letter) { print("still failing: \(kept.error)") }
    /// }
    /// ```
    ///
    /// - Parameter letter: The dead letter; its consumer names the projection.
    /// - Returns: What became of it (see ``DeadLetterRetryResult``).
    /// - Throws: ``ProjectionError`` (`unknownProjection` for a consumer the
    ///   runner does not run, `busy`, `leaseHeld`, `deadLetterMismatch` when the log
    ///   has no such event at the letter's position), or a store error. The handler's error is
    ///   not thrown: it is the `.failed` result.
    public func retry(_ letter: DeadLetter) async throws -> DeadLetterRetryResult {
        let name = letter.consumer
        let entry = try entry(named: name)
        try claim(name)
        defer { release(name) }
        await pauseFollower(name)
        defer { if isRunning { startFollower(name) } }
        return try await withLease(name) { try await retryHoldingLease(letter, entry: entry) }
    }

    private func retryHoldingLease(_ letter: DeadLetter, entry: Entry) async throws -> DeadLetterRetryResult {
        let name = letter.consumer
        let runnable = entry.runnable
        guard let event = try await store.readAll(from: letter.position, limit: 1).first,
            event.position == letter.position, event.id == letter.eventId
        else {
            throw ProjectionError(
                code: .deadLetterMismatch,
                message: "dead letter \(letter.id) names event \(letter.eventId.chronicleString) at position \(letter.position), "
                    + "which is not in the log", projection: name, position: letter.position)
        }
        let checkpoint = try await runnable.checkpoint()
        let advancing: Bool
        if checkpoint < letter.position {
            let next = try await store.readAll(from: checkpoint.next, limit: 1, filter: runnable.filter).first
            guard next?.position == letter.position else { return .notReached(checkpoint: checkpoint) }
            advancing = true
        } else {
            advancing = runnable.failurePolicy.onExhausted == .stop
        }
        let result = try await runnable.retry(event, deadLetter: letter.id, advancingCheckpoint: advancing)
        switch result {
        case .applied:
            entry.metrics.handled.increment()
            logger.info(
                "retried a dead letter", metadata: ["projection": "\(name)", "position": "\(letter.position)"])
        case .failed(let kept):
            entry.metrics.failures.increment()
            logger.warning(
                "a retried dead letter failed again",
                metadata: ["projection": "\(name)", "position": "\(letter.position)", "error": "\(kept.error)"])
        case .alreadyApplied, .notReached, .gone:
            break
        }
        if advancing, case .applied = result {
            if case .stopped = states[name] { states[name] = .idle }
            didCommit(name, letter.position)
        }
        return result
    }
}
