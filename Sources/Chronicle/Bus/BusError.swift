/// Why a bus call failed: a request that got no reply, a consumer group member
/// that stopped or was refused.
///
/// Pattern-match on its code:
///
/// ```swift
/// do {
///     try await bus.consume(group) { message in try await handle(message) }
/// } catch BusError.stopped {
///     // the failure policy said stop: fix the handler, then start again
/// } catch BusError.requestTimedOut {
///     // (from request(_:to:timeout:)) no reply in time
/// }
/// ```
public struct BusError: Error, Sendable, CustomStringConvertible {
    /// The kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case requestTimedOut = "request timed out"
            case stopped = "consumer group stopped"
            case partitionCountMismatch = "partition count mismatch"
            case memberInUse = "member id in use"
            case leaseLost = "bus lease lost"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No reply came to a request within its timeout.
        public static let requestTimedOut = Code(.requestTimedOut)
        /// A message's attempts ran out and the group's failure policy is `.stop`.
        public static let stopped = Code(.stopped)
        /// The member's ``ConsumerGroup/partitions`` differs from the count in the group's checkpoints.
        public static let partitionCountMismatch = Code(.partitionCountMismatch)
        /// Another running member holds this member id's lease.
        public static let memberInUse = Code(.memberInUse)
        /// A lease the bus needed was lost.
        public static let leaseLost = Code(.leaseLost)

        public var description: String { value.rawValue }

        /// Matches a ``BusError`` of this code, for `catch BusError.stopped`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? BusError)?.code == code
        }
    }

    /// The kind of error.
    public let code: Code
    /// What happened, in one line.
    public let message: String
    /// The consumer group concerned, when there is one.
    public let group: String?
    /// The underlying error, when there is one.
    public let cause: (any Error)?

    /// Makes an error.
    ///
    /// ```swift
    /// throw BusError(code: .stopped, message: "group 'payments' stopped", group: "payments")
    /// ```
    ///
    /// - Parameters:
    ///   - code: The kind.
    ///   - message: One line.
    ///   - group: The consumer group, if any.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, group: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.group = group
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    /// See ``Code/requestTimedOut``.
    public static let requestTimedOut = Code.requestTimedOut
    /// See ``Code/stopped``.
    public static let stopped = Code.stopped
    /// See ``Code/partitionCountMismatch``.
    public static let partitionCountMismatch = Code.partitionCountMismatch
    /// See ``Code/memberInUse``.
    public static let memberInUse = Code.memberInUse
    /// See ``Code/leaseLost``.
    public static let leaseLost = Code.leaseLost
}
