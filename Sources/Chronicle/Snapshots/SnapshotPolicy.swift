/// When the repository takes a snapshot of an aggregate.
///
/// The repository asks its policy after each command that appended events, and
/// after each ``AggregateRepository/load(_:)`` that applied events since the
/// last snapshot (so that an aggregate that is only read, or whose snapshot was
/// ignored for a changed schema or bad bytes, gets a fresh one). A snapshot is
/// never taken when no event was applied since the last one.
///
/// ```swift
/// let every100 = SnapshotPolicy<Order>.every(100)
/// let onClose = SnapshotPolicy<Order>.when { context in
///     context.newEvents.contains { $0 is OrderClosed }
/// }
/// ```
public struct SnapshotPolicy<A: Aggregate>: Sendable {
    /// What the policy sees when it decides.
    public struct Context: Sendable {
        /// The state after the events.
        public let state: A
        /// The version it reflects.
        public let version: Int64
        /// The version of the newest usable snapshot; 0 when there is none.
        public let lastSnapshotVersion: Int64
        /// The events a command just appended; empty after a load.
        public let newEvents: [any DomainEvent]

        /// Events applied since the last snapshot.
        public var eventsSinceSnapshot: Int64 { version - lastSnapshotVersion }

        /// Creates a context; the repository builds these.
        ///
        /// - Parameters:
        ///   - state: The state.
        ///   - version: Its version.
        ///   - lastSnapshotVersion: The newest snapshot's version, or 0.
        ///   - newEvents: The events just appended.
        public init(state: A, version: Int64, lastSnapshotVersion: Int64, newEvents: [any DomainEvent]) {
            self.state = state
            self.version = version
            self.lastSnapshotVersion = lastSnapshotVersion
            self.newEvents = newEvents
        }
    }

    private enum Rule: Sendable {
        case never
        case every(Int64)
        case predicate(@Sendable (Context) -> Bool)
    }

    private let rule: Rule

    private init(_ rule: Rule) { self.rule = rule }

    /// Never take snapshots (existing ones are still used when loading).
    public static var never: SnapshotPolicy { SnapshotPolicy(.never) }

    /// Take a snapshot once at least `count` events were applied since the last one.
    ///
    /// ```swift
    /// let policy = SnapshotPolicy<Order>.every(200)
    /// ```
    ///
    /// - Parameter count: Events between snapshots; at least 1 (the repository
    ///   refuses a smaller count with ``AggregateError/invalidConfiguration``).
    /// - Returns: The policy.
    public static func every(_ count: Int) -> SnapshotPolicy { SnapshotPolicy(.every(Int64(count))) }

    /// Take a snapshot when a predicate holds.
    ///
    /// ```swift
    /// let policy = SnapshotPolicy<Order>.when { $0.state.status == .closed || $0.eventsSinceSnapshot >= 500 }
    /// ```
    ///
    /// - Parameter predicate: Decides from the context; must be fast and free of side effects.
    /// - Returns: The policy.
    public static func when(_ predicate: @escaping @Sendable (Context) -> Bool) -> SnapshotPolicy {
        SnapshotPolicy(.predicate(predicate))
    }

    /// Whether to take a snapshot now.
    ///
    /// - Parameter context: The state, its version and what just happened.
    /// - Returns: `true` to take a snapshot (never when no event was applied since the last one).
    public func shouldSnapshot(_ context: Context) -> Bool {
        guard context.eventsSinceSnapshot > 0 else { return false }
        switch rule {
        case .never: return false
        case .every(let count): return context.eventsSinceSnapshot >= count
        case .predicate(let predicate): return predicate(context)
        }
    }

    /// Checks the policy's parameters.
    func validate() throws {
        if case .every(let count) = rule, count < 1 {
            throw AggregateError(
                code: .invalidConfiguration, message: "SnapshotPolicy.every(\(count)) needs a count of at least 1")
        }
    }
}
