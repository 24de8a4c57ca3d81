public import Logging

/// The domain event bus: publishing to topics and consuming in groups, over the
/// store's own log.
///
/// Messages are events of the log (a topic is a stream category), so publishing
/// can join an aggregate's append atomically (the outbox), and consumers in other
/// processes follow the log with checkpoints per group and partition, leases,
/// retries, dead letters and a circuit breaker. See Docs/Bus.md.
///
/// ```swift
/// let bus = store.bus()                       // SQLite, PostgreSQL or in memory
/// try await bus.publish(placed, to: "orders", key: orderId)
/// let group = try ConsumerGroup("payments", topics: ["orders"])
/// try await bus.consume(group) { message in try await charge(message) }
/// ```
public struct EventBus: Sendable {
    /// The log messages are published to and read from.
    public let store: any EventStore
    /// The groups' checkpoints (per group, topic and partition).
    public let checkpoints: any CheckpointStore
    /// The groups' dead letters (consumer = the group's name).
    public let deadLetters: any DeadLetterStore
    /// The partitions' and members' leases.
    public let leases: any LeaseStore
    /// Failed delivery attempts, kept across restarts.
    public let attempts: any DeliveryAttemptStore
    /// Where the bus logs.
    public let logger: Logger

    /// Makes a bus over a store and its consumer stores.
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - checkpoints: Checkpoint storage (the store's own, for durable groups).
    ///   - deadLetters: Dead-letter storage.
    ///   - leases: Lease storage shared by every process of the groups.
    ///   - attempts: Storage for failed attempts.
    ///   - logger: Where the bus logs; label `chronicle.bus` by default.
    public init(
        store: any EventStore, checkpoints: any CheckpointStore, deadLetters: any DeadLetterStore,
        leases: any LeaseStore, attempts: any DeliveryAttemptStore, logger: Logger = Logger(label: "chronicle.bus")
    ) {
        self.store = store
        self.checkpoints = checkpoints
        self.deadLetters = deadLetters
        self.leases = leases
        self.attempts = attempts
        self.logger = logger
    }
}

extension EventBus {
    /// The same bus (same store and consumer stores), logging elsewhere.
    ///
    /// ```swift
    /// var quiet = Logger(label: "chronicle.bus")
    /// quiet.logLevel = .warning
    /// let bus = store.bus().with(logger: quiet)
    /// ```
    ///
    /// - Parameter logger: Where the returned bus logs.
    /// - Returns: A bus sharing this one's stores.
    public func with(logger: Logger) -> EventBus {
        EventBus(
            store: store, checkpoints: checkpoints, deadLetters: deadLetters, leases: leases, attempts: attempts,
            logger: logger)
    }
}
