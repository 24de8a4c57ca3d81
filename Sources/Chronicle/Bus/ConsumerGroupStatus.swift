public import Foundation

/// Where a consumer group stands, read from storage (checkpoints, leases, dead
/// letters): works from any process, such as the CLI.
///
/// ```swift
/// if let status = try await bus.status(group: "payments") {
///     for partition in status.partitions { print(partition.partition, partition.owner ?? "-", partition.lag) }
///     let problems = status.violations(of: BusThresholds(maxLag: 10_000, maxDeadLetters: 0))
/// }
/// ```
public struct ConsumerGroupStatus: Hashable, Sendable {
    /// One partition of the group.
    public struct Partition: Hashable, Sendable {
        /// The partition number.
        public let partition: Int
        /// The member holding its lease, or `nil` when nobody does.
        public let owner: String?
        /// When that lease expires unless renewed.
        public let leaseExpiresAt: Date?
        /// The checkpoint of each lane, by topic (`$redeliver` for redeliveries).
        public let checkpoints: [String: GlobalPosition]
        /// Messages of the partition after its checkpoints, up to the complete position.
        public let lag: Int64
        /// Seconds since the oldest of those messages was recorded (0 when none).
        public let lagSeconds: Double

        /// Makes a partition status.
        public init(
            partition: Int, owner: String?, leaseExpiresAt: Date?, checkpoints: [String: GlobalPosition], lag: Int64,
            lagSeconds: Double
        ) {
            self.partition = partition
            self.owner = owner
            self.leaseExpiresAt = leaseExpiresAt
            self.checkpoints = checkpoints
            self.lag = lag
            self.lagSeconds = lagSeconds
        }
    }

    /// A live member of the group.
    public struct Member: Hashable, Sendable {
        /// The member id.
        public let id: String
        /// When its member lease expires unless renewed.
        public let expiresAt: Date

        /// Makes a member status.
        public init(id: String, expiresAt: Date) {
            self.id = id
            self.expiresAt = expiresAt
        }
    }

    /// The group's name.
    public let name: String
    /// Its partition count, from its checkpoints or leases (0 when unknown).
    public let partitionCount: Int
    /// The topics it has checkpoints for.
    public let topics: [String]
    /// Every partition, in order.
    public let partitions: [Partition]
    /// Its live members.
    public let members: [Member]
    /// Its dead letters.
    public let deadLetters: Int
    /// In-process counters, when the status comes from a running member (see ``BusConsumer``).
    public var statistics: BusStatistics?

    /// Makes a status.
    public init(
        name: String, partitionCount: Int, topics: [String], partitions: [Partition], members: [Member],
        deadLetters: Int, statistics: BusStatistics? = nil
    ) {
        self.name = name
        self.partitionCount = partitionCount
        self.topics = topics
        self.partitions = partitions
        self.members = members
        self.deadLetters = deadLetters
        self.statistics = statistics
    }

    /// Messages waiting over all partitions.
    public var lag: Int64 { partitions.reduce(0) { $0 + $1.lag } }
    /// The age of the oldest waiting message, in seconds.
    public var lagSeconds: Double { partitions.map(\.lagSeconds).max() ?? 0 }

    /// The thresholds this group exceeds, one line each (empty when none).
    ///
    /// Error rate and handler time come from ``statistics`` and are checked only when it is set.
    ///
    /// ```swift
    /// let problems = status.violations(of: BusThresholds(maxLag: 1_000, maxDeadLetters: 0))
    /// if !problems.isEmpty { exit(4) }
    /// ```
    ///
    /// - Parameter thresholds: The limits.
    /// - Returns: A line per exceeded limit, naming the group.
    public func violations(of thresholds: BusThresholds) -> [String] {
        var result: [String] = []
        if let maxLag = thresholds.maxLag, lag > maxLag {
            result.append("consumer group '\(name)': lag \(lag) messages exceeds \(maxLag)")
        }
        if let maxSeconds = thresholds.maxLagSeconds, lagSeconds > maxSeconds {
            result.append(
                "consumer group '\(name)': oldest waiting message is \(Self.seconds(lagSeconds)) s old, "
                    + "more than \(Self.seconds(maxSeconds)) s")
        }
        if let maxDeadLetters = thresholds.maxDeadLetters, deadLetters > maxDeadLetters {
            result.append("consumer group '\(name)': \(deadLetters) dead letters exceed \(maxDeadLetters)")
        }
        if let statistics {
            if let maxRate = thresholds.maxErrorRate, statistics.errorRate > maxRate {
                result.append(
                    "consumer group '\(name)': error rate \(Self.seconds(statistics.errorRate)) exceeds \(Self.seconds(maxRate))")
            }
            if let maxTime = thresholds.maxHandlerTime, statistics.meanHandlerTime > maxTime {
                result.append(
                    "consumer group '\(name)': mean handler time \(statistics.meanHandlerTime) exceeds \(maxTime)")
            }
        }
        return result
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
