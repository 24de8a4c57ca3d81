/// How a delivery ended under a ``FailurePolicy``: handled, or out of attempts.
public enum DeliveryOutcome: Sendable {
    /// The handler succeeded on attempt `attempts` (counting the first).
    case handled(attempts: Int)
    /// Every attempt failed; `lastError` is the handler's last error. The
    /// consumer parks the event (``FailurePolicy/onExhausted`` says whether it
    /// then goes on or stops).
    case exhausted(attempts: Int, lastError: any Error)
}

extension FailurePolicy {
    /// Runs the attempts after a failed first one, with this policy's back-off:
    /// the retry half of the delivery core that projections (and the bus's
    /// consumer groups) share.
    ///
    /// `attempt` reports the handler's own failure by returning its error and
    /// success by returning `nil`; what it throws is not the handler's fault (the
    /// store failed, the task was cancelled) and ends the retries at once.
    ///
    /// ```swift
    /// let outcome = try await policy.retry(afterFailure: error) { attempt, error in
    ///     logger.warning("handler failed; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
    /// } attempt: {
    ///     do { try await handle(event); return nil } catch { return error }
    /// }
    /// if case .exhausted(let attempts, let lastError) = outcome {
    ///     try await deadLetters.park(event, consumer: name, error: "\(lastError)", attempts: attempts)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - firstError: The handler's error from the first attempt.
    ///   - willRetry: Called before each wait with the failed attempts so far and the latest error.
    ///   - attempt: One more run of the handler.
    /// - Returns: `.handled` with the attempt that succeeded, or `.exhausted`
    ///   after ``maxAttempts``.
    /// - Throws: What `attempt` throws, and `CancellationError` when the task is
    ///   cancelled during a wait.
    public func retry(
        afterFailure firstError: any Error,
        willRetry: (_ failedAttempts: Int, _ error: any Error) -> Void = { _, _ in },
        attempt: () async throws -> (any Error)?
    ) async throws -> DeliveryOutcome {
        var attempts = 1
        var lastError = firstError
        while attempts < maxAttempts {
            willRetry(attempts, lastError)
            try await Task.sleep(for: delay(afterAttempt: attempts))
            attempts += 1
            guard let error = try await attempt() else { return .handled(attempts: attempts) }
            lastError = error
        }
        return .exhausted(attempts: attempts, lastError: lastError)
    }
}
