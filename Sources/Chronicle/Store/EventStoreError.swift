public import Foundation

/// The one error type of event stores: a code, a readable message, and the
/// details that apply (stream, expected and actual version, event id, native cause).
///
/// Match on the code with a `catch` pattern:
///
/// ```swift
/// do {
///     try await store.append(events, to: stream, expecting: .exactly(3))
/// } catch EventStoreError.wrongExpectedVersion {
///     // reload and retry
/// } catch let error as EventStoreError where error.code == .eventTooLarge {
///     print(error.message)
/// }
/// ```
///
/// New codes may be added in later releases; a `switch` over codes needs a
/// `default`. A failed call never changes what is stored.
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a matchable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case wrongExpectedVersion = "wrong expected version"
            case duplicateEvent = "duplicate event"
            case invalidStreamName = "invalid stream name"
            case invalidEvent = "invalid event"
            case invalidMetadata = "invalid metadata"
            case invalidArgument = "invalid argument"
            case eventTooLarge = "event too large"
            case notAChronicleStore = "not a Chronicle store"
            case corruptStore = "corrupt store"
            case schemaTooNew = "schema too new"
            case schemaTooOld = "schema too old"
            case storageUnavailable = "storage unavailable"
            case readOnly = "read-only storage"
            case storageFull = "storage full"
            case corruptRecord = "corrupt record"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An append's expected version did not match the stream's version.
        public static let wrongExpectedVersion = Code(.wrongExpectedVersion)
        /// An event id is already in the store at another place.
        public static let duplicateEvent = Code(.duplicateEvent)
        /// A stream name or category failed validation.
        public static let invalidStreamName = Code(.invalidStreamName)
        /// An event is malformed (empty type name, schema version below 1).
        public static let invalidEvent = Code(.invalidEvent)
        /// Metadata bytes are not the documented JSON object.
        public static let invalidMetadata = Code(.invalidMetadata)
        /// An argument is out of range (a limit below 1, a negative version).
        public static let invalidArgument = Code(.invalidArgument)
        /// An event's data and metadata exceed the store's maximum event size.
        public static let eventTooLarge = Code(.eventTooLarge)
        /// The file is not a Chronicle store (another SQLite database, or not SQLite).
        public static let notAChronicleStore = Code(.notAChronicleStore)
        /// The store's file is damaged (truncated, malformed pages).
        public static let corruptStore = Code(.corruptStore)
        /// The store was written by a newer Chronicle with a schema this one does not know.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// The store's schema is older than this Chronicle's, and it was opened
        /// for reading only, which does not migrate it.
        public static let schemaTooOld = Code(.schemaTooOld)
        /// The store cannot be opened or reached (missing directory, permissions, I/O error).
        public static let storageUnavailable = Code(.storageUnavailable)
        /// The store can only be read (read-only file or file system).
        public static let readOnly = Code(.readOnly)
        /// The disk or the store's size limit is full.
        public static let storageFull = Code(.storageFull)
        /// A stored row cannot be turned into an event.
        public static let corruptRecord = Code(.corruptRecord)

        public var description: String { value.rawValue }

        /// Matches any error that is an ``EventStoreError`` with this code, so that
        /// `catch EventStoreError.wrongExpectedVersion` works.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? EventStoreError)?.code == code
        }
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation for people.
    public let message: String
    /// The stream concerned, where there is one.
    public let stream: StreamName?
    /// The expectation that failed, for ``Code/wrongExpectedVersion``.
    public let expectedVersion: ExpectedVersion?
    /// The stream's actual version, for ``Code/wrongExpectedVersion``.
    public let actualVersion: Int64?
    /// The event concerned, for ``Code/duplicateEvent`` and ``Code/eventTooLarge``.
    public let eventId: UUID?
    /// The underlying error (a database error, a decoding error), if any.
    public let cause: (any Error)?

    /// Creates an error; stores and tools use this.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A one-line explanation.
    ///   - stream: The stream concerned.
    ///   - expectedVersion: The failed expectation.
    ///   - actualVersion: The stream's actual version.
    ///   - eventId: The event concerned.
    ///   - cause: The underlying error.
    public init(
        code: Code, message: String, stream: StreamName? = nil, expectedVersion: ExpectedVersion? = nil,
        actualVersion: Int64? = nil, eventId: UUID? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.actualVersion = actualVersion
        self.eventId = eventId
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }

    /// An append's expected version did not match the stream's version.
    public static let wrongExpectedVersion = Code.wrongExpectedVersion
    /// An event id is already in the store at another place.
    public static let duplicateEvent = Code.duplicateEvent
    /// A stream name or category failed validation.
    public static let invalidStreamName = Code.invalidStreamName
    /// An event is malformed.
    public static let invalidEvent = Code.invalidEvent
    /// Metadata bytes are not the documented JSON object.
    public static let invalidMetadata = Code.invalidMetadata
    /// An argument is out of range.
    public static let invalidArgument = Code.invalidArgument
    /// An event exceeds the store's maximum event size.
    public static let eventTooLarge = Code.eventTooLarge
    /// The file is not a Chronicle store.
    public static let notAChronicleStore = Code.notAChronicleStore
    /// The store's file is damaged.
    public static let corruptStore = Code.corruptStore
    /// The store was written by a newer schema.
    public static let schemaTooNew = Code.schemaTooNew
    /// The store needs migrating, and was opened for reading only.
    public static let schemaTooOld = Code.schemaTooOld
    /// The store cannot be opened or reached.
    public static let storageUnavailable = Code.storageUnavailable
    /// The store can only be read.
    public static let readOnly = Code.readOnly
    /// The disk or the store's size limit is full.
    public static let storageFull = Code.storageFull
    /// A stored row cannot be turned into an event.
    public static let corruptRecord = Code.corruptRecord
}

extension EventStoreError {
    /// The error for an append whose expectation failed.
    ///
    /// - Parameters:
    ///   - stream: The stream.
    ///   - expected: The expectation.
    ///   - actual: The stream's actual version.
    /// - Returns: A ``Code/wrongExpectedVersion`` error naming all three.
    public static func wrongExpectedVersion(
        stream: StreamName, expected: ExpectedVersion, actual: Int64
    ) -> EventStoreError {
        EventStoreError(
            code: .wrongExpectedVersion,
            message: "stream '\(stream)' expected version \(expected) but is at version \(actual)",
            stream: stream, expectedVersion: expected, actualVersion: actual)
    }

    /// The error for an event id that already exists elsewhere.
    ///
    /// - Parameters:
    ///   - id: The event id.
    ///   - stream: The stream the append targeted.
    /// - Returns: A ``Code/duplicateEvent`` error.
    public static func duplicateEvent(id: UUID, stream: StreamName) -> EventStoreError {
        EventStoreError(
            code: .duplicateEvent,
            message: "event \(id.chronicleString) is already stored at another place than this append to '\(stream)'",
            stream: stream, eventId: id)
    }

    /// The error for a name that is not a valid stream name.
    ///
    /// - Parameters:
    ///   - name: The offending input.
    ///   - reason: Why it is invalid.
    /// - Returns: A ``Code/invalidStreamName`` error.
    public static func invalidStreamName(_ name: String, reason: String) -> EventStoreError {
        EventStoreError(code: .invalidStreamName, message: "invalid stream name '\(name)': \(reason)")
    }

    /// The error for an out-of-range argument.
    ///
    /// - Parameter message: What is wrong.
    /// - Returns: A ``Code/invalidArgument`` error.
    public static func invalidArgument(_ message: String) -> EventStoreError {
        EventStoreError(code: .invalidArgument, message: message)
    }
}
