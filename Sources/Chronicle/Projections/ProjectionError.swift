/// Errors of the projection runner itself (handler errors pass through as the
/// `cause` of ``Code/stopped``).
///
/// ```swift
/// do {
///     try await runner.rebuild("order-sumary")
/// } catch ProjectionError.unknownProjection {
///     print("no such projection")
/// }
/// ```
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a matchable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case duplicateName = "duplicate projection name"
            case unknownProjection = "unknown projection"
            case stopped = "projection stopped"
            case busy = "projection busy"
            case deadLetterMismatch = "dead letter does not match the log"
            case leaseHeld = "projection runs elsewhere"
            case leaseLost = "projection lease lost"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Two projections given to one runner share a name.
        public static let duplicateName = Code(.duplicateName)
        /// No projection of the runner has this name.
        public static let unknownProjection = Code(.unknownProjection)
        /// A projection stopped after an event failed its last attempt.
        public static let stopped = Code(.stopped)
        /// The projection is already being rebuilt or caught up by another call.
        public static let busy = Code(.busy)
        /// A dead letter's event is not in the log at its position (or another event is).
        public static let deadLetterMismatch = Code(.deadLetterMismatch)
        /// Another process (or runner) holds the projection's lease: it runs there.
        public static let leaseHeld = Code(.leaseHeld)
        /// The runner lost the projection's lease while working on it (it expired
        /// before a renewal, and may have been taken over).
        public static let leaseLost = Code(.leaseLost)

        public var description: String { value.rawValue }

        /// Matches a ``ProjectionError`` with this code in a `catch` clause.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? ProjectionError)?.code == code
        }
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation.
    public let message: String
    /// The projection concerned.
    public let projection: String?
    /// The event at which a projection stopped.
    public let position: GlobalPosition?
    /// The underlying error.
    public let cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A one-line explanation.
    ///   - projection: The projection concerned.
    ///   - position: The event at which it stopped.
    ///   - cause: The underlying error.
    public init(
        code: Code, message: String, projection: String? = nil, position: GlobalPosition? = nil,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.projection = projection
        self.position = position
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    /// Two projections share a name.
    public static let duplicateName = Code.duplicateName
    /// No projection has this name.
    public static let unknownProjection = Code.unknownProjection
    /// A projection stopped.
    public static let stopped = Code.stopped
    /// The projection is busy.
    public static let busy = Code.busy
    /// A dead letter does not match the log.
    public static let deadLetterMismatch = Code.deadLetterMismatch
    /// Another owner holds the projection's lease.
    public static let leaseHeld = Code.leaseHeld
    /// The projection's lease was lost.
    public static let leaseLost = Code.leaseLost
}
