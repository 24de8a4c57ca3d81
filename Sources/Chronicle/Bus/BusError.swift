/// Errors of the bus itself: a request without a reply, a consumer that stopped,
/// a lease lost while working (store errors stay ``EventStoreError``; errors
/// thrown by handlers pass through as the `cause`).
///
/// Match a code in a `catch` clause:
///
/// ```swift
/// do {
///     let reply = try await bus.request(check, to: "stock", timeout: .seconds(2))
/// } catch BusError.requestTimedOut {
///     print("the stock service did not answer")
/// }
/// ```
public struct BusError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a matchable value; codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case requestTimedOut = "request timed out"
            case consumerStopped = "consumer stopped"
            case leaseLost = "bus lease lost"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No reply to a request came within its timeout.
        public static let requestTimedOut = Code(.requestTimedOut)
        /// A consumer stopped (its failure policy said so, or it was shut down).
        public static let consumerStopped = Code(.consumerStopped)
        /// The bus lost a lease while working under it (it expired before a renewal).
        public static let leaseLost = Code(.leaseLost)

        public var description: String { value.rawValue }

        /// Matches a ``BusError`` with this code in a `catch` clause.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? BusError)?.code == code
        }
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation naming what was concerned (topic, type, group, timeout).
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error)?

    /// Creates an error.
    ///
    /// ```swift
    /// throw BusError(code: .consumerStopped, message: "group 'payments' stopped")
    /// ```
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A one-line explanation.
    ///   - cause: The underlying error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }

    /// No reply came in time.
    public static let requestTimedOut = Code.requestTimedOut
    /// A consumer stopped.
    public static let consumerStopped = Code.consumerStopped
    /// A lease was lost.
    public static let leaseLost = Code.leaseLost
}
