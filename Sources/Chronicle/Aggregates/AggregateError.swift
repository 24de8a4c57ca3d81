/// The error of aggregates and their repository: not found, already exists,
/// conflicts that outlived their retries, events without a handler, and
/// configuration mistakes.
///
/// Errors thrown by commands (domain errors) are not wrapped: they reach the
/// caller unchanged. Match on the code with a `catch` pattern:
///
/// ```swift
/// do {
///     try await orders.execute("42") { order in try order.pay() }
/// } catch AggregateError.notFound {
///     // no order 42
/// } catch AggregateError.concurrencyConflict {
///     // still conflicting after the configured retries
/// } catch let error as OrderError {
///     // the command refused
/// }
/// ```
///
/// New codes may be added in later releases; a `switch` over codes needs a `default`.
public struct AggregateError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a matchable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "aggregate not found"
            case alreadyExists = "aggregate already exists"
            case concurrencyConflict = "concurrency conflict"
            case unknownEventType = "unknown event type"
            case duplicateHandler = "duplicate handler"
            case invalidConfiguration = "invalid configuration"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The aggregate's stream has no events.
        public static let notFound = Code(.notFound)
        /// ``AggregateRepository/create(_:context:_:)`` found events already in the stream.
        public static let alreadyExists = Code(.alreadyExists)
        /// Another writer changed the aggregate on every attempt, retries included.
        public static let concurrencyConflict = Code(.concurrencyConflict)
        /// An event's type has no handler in the aggregate.
        public static let unknownEventType = Code(.unknownEventType)
        /// Two handlers were registered for one event type name.
        public static let duplicateHandler = Code(.duplicateHandler)
        /// A repository option or policy is out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)

        public var description: String { value.rawValue }

        /// Matches any error that is an ``AggregateError`` with this code, so that
        /// `catch AggregateError.notFound` works.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? AggregateError)?.code == code
        }
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation for people.
    public let message: String
    /// The aggregate's stream, where there is one.
    public let stream: StreamName?
    /// The version of the event concerned (``Code/unknownEventType``), or the
    /// stream's version found (``Code/alreadyExists``, ``Code/concurrencyConflict``).
    public let streamVersion: Int64?
    /// The event type name concerned.
    public let typeName: String?
    /// How many times the command ran (``Code/concurrencyConflict``).
    public let attempts: Int?
    /// The underlying error (the store's conflict error), if any.
    public let cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A one-line explanation.
    ///   - stream: The aggregate's stream.
    ///   - streamVersion: The version concerned.
    ///   - typeName: The event type name concerned.
    ///   - attempts: How many times the command ran.
    ///   - cause: The underlying error.
    public init(
        code: Code, message: String, stream: StreamName? = nil, streamVersion: Int64? = nil,
        typeName: String? = nil, attempts: Int? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.streamVersion = streamVersion
        self.typeName = typeName
        self.attempts = attempts
        self.cause = cause
    }

    /// The code and the message, then the cause, unless the message already says
    /// what the cause would (a store conflict's versions):
    /// `aggregate already exists: Account 'account-1' has 2 events`.
    public var description: String {
        if let cause, (cause as? EventStoreError)?.code != .wrongExpectedVersion {
            return "\(code): \(message) (\(cause))"
        }
        return "\(code): \(message)"
    }

    /// The aggregate's stream has no events.
    public static let notFound = Code.notFound
    /// The stream already has events.
    public static let alreadyExists = Code.alreadyExists
    /// Conflicting writers outlasted the retries.
    public static let concurrencyConflict = Code.concurrencyConflict
    /// An event's type has no handler.
    public static let unknownEventType = Code.unknownEventType
    /// Two handlers for one type name.
    public static let duplicateHandler = Code.duplicateHandler
    /// An option or policy is out of range.
    public static let invalidConfiguration = Code.invalidConfiguration
}
