internal import Foundation
internal import Logging

/// What the partitions of one running member share: the bus, the group, the
/// handler, the circuit breaker, the concurrency gate, the log reader, metrics
/// and statistics.
final class ConsumerRuntime: Sendable {
    let bus: EventBus
    let group: ConsumerGroup
    let delivery: BusDelivery
    let breaker: CircuitBreaker
    let gate: ConcurrencyGate
    let metrics: BusMetrics
    let reader: MemberLogReader
    let logger: Logger
    private let counters = Locked(BusStatistics())
    /// Messages read but not yet handled, per owned partition (the backlog in memory).
    private let backlog = Locked<[Int: Int]>([:])

    init(bus: EventBus, group: ConsumerGroup, delivery: BusDelivery) {
        self.bus = bus
        self.group = group
        self.delivery = delivery
        breaker = CircuitBreaker(policy: group.circuitBreaker)
        gate = ConcurrencyGate(bounds: group.concurrency)
        metrics = BusMetrics(group: group.name)
        reader = MemberLogReader(store: bus.store, limit: max(1, group.batchSize))
        var logger = bus.logger
        logger[metadataKey: "group"] = "\(group.name)"
        logger[metadataKey: "member"] = "\(group.member)"
        self.logger = logger
    }

    /// How long a partition or member lease lasts, and how often it is renewed.
    var leaseSettings: LeaseSettings { LeaseSettings(owner: group.member, duration: group.leaseDuration) }

    /// The statistics now.
    var statistics: BusStatistics {
        var stats = counters.withLock { $0 }
        stats.circuitBreaker = breaker.current
        stats.circuitBreakerOpened = breaker.openedCount
        stats.concurrencyLimit = gate.limit
        return stats
    }

    func count(_ update: (inout BusStatistics) -> Void) {
        counters.withLock { update(&$0) }
    }

    func setOwned(_ partitions: [Int]) {
        counters.withLock { $0.ownedPartitions = partitions.sorted() }
    }

    func setBacklog(_ count: Int, partition: Int) {
        backlog.withLock { $0[partition] = count == 0 ? nil : count }
    }

    var totalBacklog: Int { backlog.withLock { $0.values.reduce(0, +) } }

    /// Checks a group's settings before it runs.
    func validate() throws {
        if group.batchSize < 1 {
            throw EventStoreError.invalidArgument("consumer group '\(group.name)': batch size must be at least 1")
        }
        if group.concurrency.lowerBound < 1 {
            throw EventStoreError.invalidArgument("consumer group '\(group.name)': concurrency must be at least 1")
        }
        if group.leaseDuration <= .zero {
            throw EventStoreError.invalidArgument("consumer group '\(group.name)': lease duration must be positive")
        }
        if group.member.isEmpty { throw EventStoreError.invalidArgument("a group member needs a non-empty id") }
    }
}
