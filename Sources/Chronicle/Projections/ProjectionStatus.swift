/// Where a projection stands: its state, checkpoint and lag behind the log.
///
/// ```swift
/// for status in try await runner.status() {
///     print(status.name, status.state, status.lag, status.lagSeconds ?? 0)
/// }
/// ```
public struct ProjectionStatus: Hashable, Sendable {
    /// What the projection is doing.
    public enum State: Hashable, Sendable, CustomStringConvertible {
        /// Not running in this process.
        case idle
        /// Processing history, behind the head.
        case running
        /// At the head, waiting for new events.
        case caughtUp
        /// Being reset and replayed from the start.
        case rebuilding
        /// Stopped after an event failed its last attempt (or a store error).
        case stopped(error: String)
        /// Waiting for its lease: another process (or runner) named `holder` runs it.
        case waiting(holder: String)

        public var description: String {
            switch self {
            case .idle: return "idle"
            case .running: return "running"
            case .caughtUp: return "caught up"
            case .rebuilding: return "rebuilding"
            case .stopped(let error): return "stopped: \(error)"
            case .waiting(let holder): return "waiting: runs in \(holder)"
            }
        }
    }

    /// The projection's name.
    public let name: String
    /// Its state.
    public let state: State
    /// Its delivery guarantee.
    public let guarantee: DeliveryGuarantee
    /// The last position it processed.
    public let checkpoint: GlobalPosition
    /// The head of the log.
    public let head: GlobalPosition
    /// Events after the checkpoint up to the head (all events, not only the
    /// filtered ones), counted (``EventStore/eventCount(after:through:)``), not
    /// subtracted: positions may skip numbers in some stores.
    public let lag: Int64
    /// The age in seconds of the oldest event it has not processed; `nil` when there is none.
    public let lagSeconds: Double?
    /// How many of its events are parked in the dead-letter store.
    public let deadLetters: Int

    /// Creates a status; the runner builds these.
    ///
    /// - Parameters:
    ///   - name: The projection's name.
    ///   - state: Its state.
    ///   - guarantee: Its delivery guarantee.
    ///   - checkpoint: Its checkpoint.
    ///   - head: The log's head.
    ///   - lag: Events after the checkpoint up to the head.
    ///   - lagSeconds: The age of the oldest unprocessed event.
    ///   - deadLetters: Its parked events.
    public init(
        name: String, state: State, guarantee: DeliveryGuarantee, checkpoint: GlobalPosition, head: GlobalPosition, lag: Int64,
        lagSeconds: Double?, deadLetters: Int
    ) {
        self.name = name
        self.state = state
        self.guarantee = guarantee
        self.checkpoint = checkpoint
        self.head = head
        self.lag = lag
        self.lagSeconds = lagSeconds
        self.deadLetters = deadLetters
    }
}
