/// Why a consumer group member stopped or was refused.
///
/// Pattern-match on its code:
///
/// ```swift
/// do {
///     try await bus.consume(group) { message in try await handle(message) }
/// } catch BusError.stopped {
///     // the failure policy said stop: fix the handler, then start again
/// }
/// ```
public struct BusError: Error, Sendable, CustomStringConvertible {
    /// The kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case stopped = "consumer group stopped"
            case partitionCountMismatch = "partition count mismatch"
            case memberInUse = "member id in use"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A message's attempts ran out and the group's failure policy is `.stop`.
        public static let stopped = Code(.stopped)
        /// The member's ``ConsumerGroup/partitions`` differs from the count in the group's checkpoints.
        public static let partitionCountMismatch = Code(.partitionCountMismatch)
        /// Another running member holds this member id's lease.
        public static let memberInUse = Code(.memberInUse)

        public var description: String { value.rawValue }

        /// Matches a ``BusError`` with this code.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? BusError)?.code == code
        }
    }

    /// The kind of error.
    public let code: Code
    /// A one-line explanation for operators.
    public let message: String
    /// The group.
    public let group: String
    /// The handler's error, for ``Code/stopped``.
    public let cause: (any Error)?

    /// Makes an error.
    ///
    /// - Parameters:
    ///   - code: The kind.
    ///   - message: A one-line explanation.
    ///   - group: The group.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, group: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.group = group
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    /// See ``Code/stopped``.
    public static let stopped = Code.stopped
    /// See ``Code/partitionCountMismatch``.
    public static let partitionCountMismatch = Code.partitionCountMismatch
    /// See ``Code/memberInUse``.
    public static let memberInUse = Code.memberInUse
}
