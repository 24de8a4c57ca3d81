/// What a consumer of the log (a projection, and next a bus consumer group)
/// does when its handler throws: how often to retry, how long to wait between
/// attempts, and what to do after the last one.
///
/// Waits grow exponentially from ``initialDelay`` up to ``maximumDelay``, each
/// with up to ``jitter`` of random spread so that many failing consumers do not
/// retry in lock-step. After ``maxAttempts`` the event is parked in the
/// dead-letter store and the consumer either skips it or stops.
///
/// ```swift
/// let policy = FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(50), onExhausted: .stop)
/// ```
public struct FailurePolicy: Hashable, Sendable {
    /// What happens after the last attempt.
    public enum Exhausted: Hashable, Sendable {
        /// Park the event and go on with the next one.
        case skip
        /// Park the event and stop this consumer (others keep running); it
        /// retries the event when started again.
        case stop
    }

    /// Runs of the handler for one event, the first included (at least 1).
    public var maxAttempts: Int
    /// The wait before the second attempt.
    public var initialDelay: Duration
    /// The longest wait between attempts.
    public var maximumDelay: Duration
    /// The spread added to each wait, as a fraction of it (0 to 1).
    public var jitter: Double
    /// What happens after the last attempt.
    public var onExhausted: Exhausted

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: Runs of the handler per event (at least 1).
    ///   - initialDelay: The first wait.
    ///   - maximumDelay: The longest wait.
    ///   - jitter: The random spread, 0 to 1.
    ///   - onExhausted: Skip or stop after the last attempt.
    public init(
        maxAttempts: Int = 3, initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(10),
        jitter: Double = 0.2, onExhausted: Exhausted = .skip
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = min(max(jitter, 0), 1)
        self.onExhausted = onExhausted
    }

    /// The default: 3 attempts, 100 ms then 200 ms, then skip.
    public static let `default` = FailurePolicy()

    /// The wait after `attempt` failed attempts.
    ///
    /// - Parameter attempt: Failed attempts so far (1 after the first).
    /// - Returns: The delay before the next attempt.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let bounded = ExponentialBackoff.bound(initial: initialDelay, cap: maximumDelay, afterAttempt: attempt)
        let spread = bounded * jitter * Double.random(in: 0...1)
        return .nanoseconds(Int64((bounded + spread) * 1e9))
    }
}

/// The failure policy's name before it served every consumer.
@available(*, deprecated, renamed: "FailurePolicy")
public typealias ProjectionFailurePolicy = FailurePolicy
