/// Limits a consumer group should stay within; the CLI turns each exceeded limit
/// into a line and exit code 4 (see ``ConsumerGroupStatus/violations(of:)``).
///
/// ```swift
/// let thresholds = BusThresholds(maxLag: 10_000, maxLagSeconds: 60, maxDeadLetters: 0)
/// ```
public struct BusThresholds: Hashable, Sendable {
    /// The most messages waiting over all partitions.
    public var maxLag: Int64?
    /// The oldest waiting message's greatest age, in seconds.
    public var maxLagSeconds: Double?
    /// The most dead letters.
    public var maxDeadLetters: Int?
    /// The greatest share of failed handler calls (0...1), from in-process statistics.
    public var maxErrorRate: Double?
    /// The longest mean handler time, from in-process statistics.
    public var maxHandlerTime: Duration?

    /// Makes thresholds; `nil` leaves a limit unchecked.
    ///
    /// - Parameters:
    ///   - maxLag: Most messages waiting.
    ///   - maxLagSeconds: Oldest waiting message's greatest age.
    ///   - maxDeadLetters: Most dead letters.
    ///   - maxErrorRate: Greatest failed share of handler calls.
    ///   - maxHandlerTime: Longest mean handler time.
    public init(
        maxLag: Int64? = nil, maxLagSeconds: Double? = nil, maxDeadLetters: Int? = nil, maxErrorRate: Double? = nil,
        maxHandlerTime: Duration? = nil
    ) {
        self.maxLag = maxLag
        self.maxLagSeconds = maxLagSeconds
        self.maxDeadLetters = maxDeadLetters
        self.maxErrorRate = maxErrorRate
        self.maxHandlerTime = maxHandlerTime
    }
}
