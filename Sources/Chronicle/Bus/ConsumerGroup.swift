/// What a consumer group consumes and how: its topics and their priorities, its
/// partitions, the delivery guarantee, and the policies for failures.
///
/// Every group receives every message of its topics once per group. The members
/// of a group (processes or tasks running ``EventBus/consume(_:handler:)`` with
/// the same group name) split the topics' streams among them by partition, so
/// per-stream order holds while work is shared:
/// - **publish-subscribe**: several groups on one topic, each gets everything;
/// - **point-to-point / work queue**: one group, several members;
/// - **priority queue**: one group, several topics with priorities.
///
/// ```swift
/// var payments = try ConsumerGroup("payments", topics: ["orders"])
/// payments.failurePolicy = FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(200))
/// try await bus.consume(payments) { message in try await charge(message) }
/// ```
public struct ConsumerGroup: Hashable, Sendable {
    /// One topic a group consumes, with its priority.
    public struct Subscription: Hashable, Sendable {
        /// The topic.
        public var topic: Topic
        /// Higher first: while a topic of a higher priority has messages
        /// waiting, a partition handles those before any of a lower one.
        public var priority: Int

        /// Makes a subscription.
        ///
        /// - Parameters:
        ///   - topic: The topic.
        ///   - priority: Its priority (higher first); 0 by default.
        public init(_ topic: Topic, priority: Int = 0) {
            self.topic = topic
            self.priority = priority
        }
    }

    /// The group's name: its checkpoints, leases and dead letters are kept under it.
    public let name: String
    /// The topics, in no particular order (priorities order them).
    public var subscriptions: [Subscription]
    /// The message types the group handles; the others on its topics are passed
    /// over without a delivery, as if handled (`nil`, the default: every type).
    /// The partitions read only these types from the log, so a group that
    /// reacts to a few types of a busy topic (a saga, a notifier) neither wakes
    /// nor calls its handler for the rest.
    ///
    /// ```swift
    /// var group = try ConsumerGroup("mailer", topics: ["orders"])
    /// group.messageTypes = ["OrderConfirmed", "OrderCancelled"]
    /// ```
    public var messageTypes: Set<String>?
    /// How many partitions the streams are split into. A group's partition count
    /// is fixed once it has consumed: a member started with another count is
    /// refused (the checkpoints are per partition).
    public var partitions: Int
    /// This member's id in the group; unique per running member.
    public var member: String
    /// At-least-once (the default) or at-most-once; exactly-once effect comes from
    /// a transactional handler (an inbox), not from this setting.
    public var guarantee: DeliveryGuarantee
    /// Retries (attempts, back-off with jitter) and what happens when they run out.
    public var failurePolicy: FailurePolicy
    /// Pauses the member while its handler keeps failing; `nil` turns it off.
    public var circuitBreaker: CircuitBreakerPolicy?
    /// How many messages a member handles at once (each from another partition),
    /// scaled between the bounds with the backlog.
    public var concurrency: ClosedRange<Int>
    /// How long a member's hold on a partition lasts without renewal: a dead
    /// member's partitions move on after about this long.
    public var leaseDuration: Duration
    /// How many messages a partition reads from the log at once; at most this
    /// many per owned partition are in memory (backpressure).
    public var batchSize: Int
    /// Whether ``EventBus/consume(_:handler:)`` also runs the delayed-message
    /// scheduler (``EventBus/runScheduler(leaseSettings:)``) as a child task; `true` by default.
    /// The scheduler takes a lease of its own, so one process at a time publishes
    /// due messages however many members run it.
    public var runsScheduler: Bool

    /// Makes a group configuration.
    ///
    /// - Parameters:
    ///   - name: The group's name: not empty, at most 100 bytes, no `#` or control characters.
    ///   - topics: The topics, all at priority 0.
    ///   - partitions: The partition count (1...1024); 8 by default.
    ///   - member: This member's id; a new process-unique id by default.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` for a bad name,
    ///   no topics, or a partition count out of range.
    public init(_ name: String, topics: [Topic], partitions: Int = 8, member: String = Lease.processOwner()) throws {
        try self.init(name, subscriptions: topics.map { Subscription($0) }, partitions: partitions, member: member)
    }

    /// Makes a group configuration with topic priorities.
    ///
    /// ```swift
    /// let group = try ConsumerGroup("shipping", subscriptions: [.init("orders_urgent", priority: 1), .init("orders")])
    /// ```
    ///
    /// - Parameters:
    ///   - name: The group's name.
    ///   - subscriptions: The topics with their priorities.
    ///   - partitions: The partition count (1...1024); 8 by default.
    ///   - member: This member's id.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` (see ``init(_:topics:partitions:member:)``).
    public init(
        _ name: String, subscriptions: [Subscription], partitions: Int = 8, member: String = Lease.processOwner()
    ) throws {
        try Self.validate(name: name)
        if subscriptions.isEmpty { throw EventStoreError.invalidArgument("consumer group '\(name)' has no topics") }
        if Set(subscriptions.map(\.topic)).count != subscriptions.count {
            throw EventStoreError.invalidArgument("consumer group '\(name)' names a topic twice")
        }
        guard (1...1024).contains(partitions) else {
            throw EventStoreError.invalidArgument("a consumer group has 1 to 1024 partitions, got \(partitions)")
        }
        if member.isEmpty { throw EventStoreError.invalidArgument("a group member needs a non-empty id") }
        self.name = name
        self.subscriptions = subscriptions
        self.partitions = partitions
        self.member = member
        guarantee = .atLeastOnce
        failurePolicy = FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(100), maximumDelay: .seconds(30))
        circuitBreaker = CircuitBreakerPolicy()
        concurrency = 1...4
        leaseDuration = .seconds(10)
        batchSize = 128
        runsScheduler = true
    }

    /// Checks a group name.
    ///
    /// - Parameter name: The name.
    /// - Throws: ``EventStoreError`` with code `invalidArgument`.
    public static func validate(name: String) throws {
        if name.isEmpty { throw EventStoreError.invalidArgument("a consumer group needs a non-empty name") }
        if name.utf8.count > 100 {
            throw EventStoreError.invalidArgument("consumer group name '\(name.prefix(40))…' is longer than 100 bytes")
        }
        if name.utf8.contains(UInt8(ascii: "#")) {
            throw EventStoreError.invalidArgument("consumer group name '\(name)' contains '#'")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw EventStoreError.invalidArgument("consumer group name \(name.debugDescription) contains a control character")
        }
    }
}

/// When a member's circuit breaker opens and how it probes before closing.
///
/// Closed, it counts handler failures; `failureThreshold` failures within
/// `window` open it: the member stops handling (messages wait, attempts are not
/// spent) for `openDuration`; then, half-open, one message is tried: success
/// closes the breaker, failure opens it again.
///
/// ```swift
/// group.circuitBreaker = CircuitBreakerPolicy(failureThreshold: 10, window: .seconds(30), openDuration: .seconds(5))
/// ```
public struct CircuitBreakerPolicy: Hashable, Sendable {
    /// Failures within ``window`` that open the breaker.
    public var failureThreshold: Int
    /// The window failures are counted in.
    public var window: Duration
    /// How long the breaker stays open before a probe.
    public var openDuration: Duration

    /// Makes a policy.
    ///
    /// - Parameters:
    ///   - failureThreshold: Failures that open it (at least 1); 10 by default.
    ///   - window: The counting window; 30 s by default.
    ///   - openDuration: The pause before a probe; 5 s by default.
    public init(failureThreshold: Int = 10, window: Duration = .seconds(30), openDuration: Duration = .seconds(5)) {
        self.failureThreshold = max(1, failureThreshold)
        self.window = window
        self.openDuration = openDuration
    }
}
