public import ServiceLifecycle

/// A consumer group member as a value: a swift-service-lifecycle `Service` for
/// an app's `ServiceGroup`, with in-process ``statistics``.
///
/// `run()` does what ``EventBus/consume(_:handler:)`` does; a graceful shutdown
/// (SIGTERM through the service group) stops it like cancellation: each
/// partition finishes its message in flight, saves its checkpoints and releases
/// its lease, then the member leaves the group.
///
/// ```swift
/// let payments = bus.consumer(try ConsumerGroup("payments", topics: ["orders"])) { message in
///     try await charge(message)
/// }
/// let services = ServiceGroup(services: [payments, httpServer], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await services.run()
/// print(payments.statistics.delivered)
/// ```
public final class BusConsumer: Service, Sendable {
    /// The group this member runs in.
    public let group: ConsumerGroup
    let runtime: ConsumerRuntime

    init(bus: EventBus, group: ConsumerGroup, delivery: BusDelivery) {
        self.group = group
        runtime = ConsumerRuntime(bus: bus, group: group, delivery: delivery)
    }

    /// Counters since this consumer was made (they add up over several runs).
    public var statistics: BusStatistics { runtime.statistics }

    /// Runs the member until cancelled or a graceful shutdown (returns), or until
    /// the failure policy says stop (throws).
    ///
    /// ```swift
    /// try await consumer.run()
    /// ```
    ///
    /// - Throws: ``BusError`` (`stopped`, `partitionCountMismatch`, `memberInUse`),
    ///   ``EventStoreError`` (`invalidArgument` for bad group settings; storage errors).
    public func run() async throws {
        let runtime = runtime
        try await cancelWhenGracefulShutdown {
            try await GroupMember(runtime: runtime).run()
        }
    }
}
