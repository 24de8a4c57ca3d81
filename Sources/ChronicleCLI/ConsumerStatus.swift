public import Chronicle

/// How far one reader of the log is behind: a projection or a consumer group,
/// as `stats` reports it and checks it against alert thresholds.
///
/// ```swift
/// let status = ConsumerStatus(
///     kind: .projection, name: "order-summary", checkpoint: 1_200, lagEvents: 34, lagSeconds: 0.8, deadLetters: 0)
/// ```
public struct ConsumerStatus: Hashable, Sendable {
    /// What kind of reader this is.
    public enum Kind: String, Hashable, Sendable {
        /// A projection.
        case projection
        /// A consumer group of the bus.
        case consumerGroup = "consumer group"
        /// A reader known only by its checkpoint or its dead letters: what the
        /// standalone tool, which runs no app code, sees of projections and consumers.
        case subscriber
    }

    /// The kind of reader.
    public var kind: Kind
    /// Its stable name.
    public var name: String
    /// The last position it has processed.
    public var checkpoint: GlobalPosition
    /// How many events it is behind: the events after its checkpoint up to the head, counted by the store.
    public var lagEvents: Int64
    /// How old the oldest event it has not processed is, in seconds; `nil` when it is up to date.
    public var lagSeconds: Double?
    /// How many of its events are parked in the dead-letter table.
    public var deadLetters: Int64

    /// Creates a status.
    ///
    /// - Parameters:
    ///   - kind: Projection or consumer group.
    ///   - name: Its name.
    ///   - checkpoint: The last position processed.
    ///   - lagEvents: Events behind the head.
    ///   - lagSeconds: Age of the oldest unprocessed event, if any.
    ///   - deadLetters: Dead-lettered events.
    public init(
        kind: Kind, name: String, checkpoint: GlobalPosition, lagEvents: Int64, lagSeconds: Double?, deadLetters: Int64
    ) {
        self.kind = kind
        self.name = name
        self.checkpoint = checkpoint
        self.lagEvents = lagEvents
        self.lagSeconds = lagSeconds
        self.deadLetters = deadLetters
    }
}

/// A source of ``ConsumerStatus`` values for `stats`: see
/// ``ChronicleCommands/consumerStatusProviders``.
///
/// ```swift
/// let provider = ConsumerStatusProvider { opened in
///     [ConsumerStatus(kind: .projection, name: "totals", checkpoint: 10, lagEvents: 0, lagSeconds: nil, deadLetters: 0)]
/// }
/// ```
public struct ConsumerStatusProvider: Sendable {
    let statuses: @Sendable (OpenedStore) async throws -> [ConsumerStatus]

    /// Creates a provider.
    ///
    /// - Parameter statuses: Reads the statuses of the readers it knows in an open store.
    public init(_ statuses: @escaping @Sendable (OpenedStore) async throws -> [ConsumerStatus]) {
        self.statuses = statuses
    }
}

/// The limits `stats` checks; any exceeded limit is an alert and exit status 4.
///
/// ```swift
/// let thresholds = AlertThresholds(maxLag: 1_000, maxLagSeconds: 30, maxDeadLetters: 0)
/// let alerts = thresholds.alerts(for: statuses)   // ["projection 'totals' is 1,500 events behind (max 1,000)"]
/// ```
public struct AlertThresholds: Hashable, Sendable {
    /// The most events any reader may be behind.
    public var maxLag: Int64?
    /// The most seconds any reader may be behind.
    public var maxLagSeconds: Double?
    /// The most dead letters any reader may have.
    public var maxDeadLetters: Int64?

    /// Creates thresholds; `nil` checks nothing.
    ///
    /// - Parameters:
    ///   - maxLag: Events behind.
    ///   - maxLagSeconds: Seconds behind.
    ///   - maxDeadLetters: Dead letters.
    public init(maxLag: Int64? = nil, maxLagSeconds: Double? = nil, maxDeadLetters: Int64? = nil) {
        self.maxLag = maxLag
        self.maxLagSeconds = maxLagSeconds
        self.maxDeadLetters = maxDeadLetters
    }

    /// The alerts the statuses raise, one line each.
    ///
    /// - Parameter statuses: The readers' statuses.
    /// - Returns: One message per exceeded threshold; empty when all hold.
    public func alerts(for statuses: [ConsumerStatus]) -> [String] {
        var alerts: [String] = []
        for status in statuses {
            let name = "\(status.kind.rawValue) '\(status.name)'"
            if let maxLag, status.lagEvents > maxLag {
                alerts.append(
                    "\(name) is \(Formatting.count(status.lagEvents)) events behind (max \(Formatting.count(maxLag)))")
            }
            if let maxLagSeconds, let lag = status.lagSeconds, lag > maxLagSeconds {
                alerts.append("\(name) is \(Formatting.duration(lag)) behind (max \(Formatting.duration(maxLagSeconds)))")
            }
            if let maxDeadLetters, status.deadLetters > maxDeadLetters {
                alerts.append(
                    "\(name) has \(Formatting.count(status.deadLetters)) dead letters "
                        + "(max \(Formatting.count(maxDeadLetters)))")
            }
        }
        return alerts
    }
}
