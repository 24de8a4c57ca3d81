/// In-process counters of one running consumer group member, since it started.
///
/// ```swift
/// let consumer = bus.consumer(group) { message in try await handle(message) }
/// // ... later:
/// let stats = consumer.statistics
/// print(stats.delivered, stats.failed, stats.circuitBreaker)
/// ```
public struct BusStatistics: Hashable, Sendable {
    /// Messages handled successfully.
    public var delivered: Int = 0
    /// Handler calls that threw (retries included).
    public var failed: Int = 0
    /// Handler calls that were retries of a failed message.
    public var retried: Int = 0
    /// Messages parked as dead letters after their last attempt.
    public var deadLettered: Int = 0
    /// Messages past their time to live, parked instead of handled.
    public var expired: Int = 0
    /// At-most-once messages whose handler failed: not retried, lost.
    public var lost: Int = 0
    /// Total time spent in handlers.
    public var handlerTime: Duration = .zero
    /// The longest handler call.
    public var maxHandlerTime: Duration = .zero
    /// The member's circuit breaker.
    public var circuitBreaker: CircuitBreakerState = .closed
    /// How many times the circuit breaker opened.
    public var circuitBreakerOpened: Int = 0
    /// The current limit of handlers running at once.
    public var concurrencyLimit: Int = 1
    /// The partitions this member owns now.
    public var ownedPartitions: [Int] = []

    /// Makes empty statistics.
    public init() {}

    /// Failed calls over all calls (0 when none ran).
    public var errorRate: Double {
        let calls = delivered + failed
        return calls == 0 ? 0 : Double(failed) / Double(calls)
    }

    /// The mean handler time (zero when none ran).
    public var meanHandlerTime: Duration {
        let calls = delivered + failed
        return calls == 0 ? .zero : handlerTime / calls
    }
}
