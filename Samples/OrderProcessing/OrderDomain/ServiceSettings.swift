public import Chronicle

/// How the sample's services run: their consumer groups' settings and the
/// saga's payment deadline.
///
/// ```swift
/// var settings = ServiceSettings()
/// settings.paymentDeadline = .seconds(3)
/// let services = try ShopServices(store: store, gateway: FlakyPaymentGateway(failureRate: 0.2), settings: settings)
/// ```
public struct ServiceSettings: Sendable {
    /// Partitions of every group: the most members of one service that share its work.
    public var partitions = 8
    /// How long a member that died holds its partitions.
    public var leaseDuration: Duration = .seconds(10)
    /// How long the payment may take to be authorized before the saga cancels the order.
    public var paymentDeadline: Duration = .seconds(5)
    /// Attempts of a failing message before it becomes a dead letter.
    public var maxAttempts = 3
    /// The first retry delay (doubling up to a second).
    public var retryDelay: Duration = .milliseconds(20)
    /// The payments group's circuit breaker opens after this many gateway
    /// failures within `breakerWindow`...
    public var breakerThreshold = 8
    /// ...the window the failures are counted in...
    public var breakerWindow: Duration = .seconds(1)
    /// ...and stays open this long before it tries one message again.
    public var breakerOpenDuration: Duration = .milliseconds(250)
    /// Orders, payments and sagas each service keeps in memory, so that the next
    /// message of an order runs its command without reading the order's stream
    /// (another process's write in between costs a re-run, never a wrong write).
    public var cacheCapacity = 4_096
    /// Messages handled at once per member.
    public var concurrency: ClosedRange<Int> = 1...8
    /// The member id of this process's members (a suffix per group is added); a new one by default.
    public var member: String = Lease.processOwner()

    public init() {}

    /// A consumer group of the sample with these settings.
    public func group(_ name: String, topics: [Topic]) throws -> ConsumerGroup {
        var group = try ConsumerGroup(name, topics: topics, partitions: partitions, member: "\(member)/\(name)")
        group.leaseDuration = leaseDuration
        group.failurePolicy = FailurePolicy(
            maxAttempts: maxAttempts, initialDelay: retryDelay, maximumDelay: .seconds(1))
        // Only the payments group calls out; elsewhere a failure is a conflict or a bug, not an outage.
        group.circuitBreaker = nil
        group.concurrency = concurrency
        return group
    }
}
