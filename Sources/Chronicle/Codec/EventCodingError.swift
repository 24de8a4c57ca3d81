/// The error of typed event coding: registering types, encoding events, decoding
/// and upcasting stored payloads.
///
/// Registration mistakes (two types under one name, a gap in an upcaster chain)
/// are reported when the type is registered, not when an old event is read.
/// Match on the code with a `catch` pattern:
///
/// ```swift
/// do {
///     try registry.register(OrderPlaced.self)
/// } catch EventCodingError.duplicateTypeName {
///     // another type already uses the name "OrderPlaced"
/// }
/// ```
///
/// New codes may be added in later releases; a `switch` over codes needs a `default`.
public struct EventCodingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a matchable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case duplicateTypeName = "duplicate type name"
            case invalidRegistration = "invalid registration"
            case unknownType = "unknown event type"
            case schemaVersionTooNew = "schema version too new"
            case missingUpcaster = "missing upcaster"
            case upcastFailed = "upcast failed"
            case encodingFailed = "encoding failed"
            case decodingFailed = "decoding failed"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Another Swift type is already registered under this type name.
        public static let duplicateTypeName = Code(.duplicateTypeName)
        /// A type cannot be registered: invalid name, schema version or upcaster chain.
        public static let invalidRegistration = Code(.invalidRegistration)
        /// No type is registered under this name (or this Swift type is not registered).
        public static let unknownType = Code(.unknownType)
        /// A stored payload has a schema version above the registered type's.
        public static let schemaVersionTooNew = Code(.schemaVersionTooNew)
        /// No upcaster reads a stored payload's (older) schema version.
        public static let missingUpcaster = Code(.missingUpcaster)
        /// An upcaster threw.
        public static let upcastFailed = Code(.upcastFailed)
        /// The codec could not encode an event.
        public static let encodingFailed = Code(.encodingFailed)
        /// The codec could not decode a payload as its registered type.
        public static let decodingFailed = Code(.decodingFailed)

        public var description: String { value.rawValue }

        /// Matches any error that is an ``EventCodingError`` with this code, so that
        /// `catch EventCodingError.duplicateTypeName` works.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? EventCodingError)?.code == code
        }
    }

    /// What went wrong.
    public let code: Code
    /// A one-line explanation for people.
    public let message: String
    /// The event type name concerned.
    public let typeName: String?
    /// The schema version concerned (a stored payload's, or the registered one).
    public let schemaVersion: Int?
    /// The stream of the stored event concerned, when decoding a record.
    public let stream: StreamName?
    /// The version in its stream of the stored event concerned, when decoding a record.
    public let streamVersion: Int64?
    /// The underlying error (the codec's or an upcaster's), if any.
    public let cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A one-line explanation.
    ///   - typeName: The type name concerned.
    ///   - schemaVersion: The schema version concerned.
    ///   - stream: The stream of the event concerned.
    ///   - streamVersion: The version of the event concerned.
    ///   - cause: The underlying error.
    public init(
        code: Code, message: String, typeName: String? = nil, schemaVersion: Int? = nil, stream: StreamName? = nil,
        streamVersion: Int64? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.typeName = typeName
        self.schemaVersion = schemaVersion
        self.stream = stream
        self.streamVersion = streamVersion
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }

    /// The same error, naming the stored event it happened on.
    func at(stream: StreamName, version: Int64) -> EventCodingError {
        EventCodingError(
            code: code, message: "event '\(stream)'@\(version): \(message)", typeName: typeName,
            schemaVersion: schemaVersion, stream: stream, streamVersion: version, cause: cause)
    }

    /// Another Swift type is already registered under this type name.
    public static let duplicateTypeName = Code.duplicateTypeName
    /// A type cannot be registered: invalid name, schema version or upcaster chain.
    public static let invalidRegistration = Code.invalidRegistration
    /// No type is registered under this name.
    public static let unknownType = Code.unknownType
    /// A stored payload has a schema version above the registered type's.
    public static let schemaVersionTooNew = Code.schemaVersionTooNew
    /// No upcaster reads a stored payload's schema version.
    public static let missingUpcaster = Code.missingUpcaster
    /// An upcaster threw.
    public static let upcastFailed = Code.upcastFailed
    /// The codec could not encode an event.
    public static let encodingFailed = Code.encodingFailed
    /// The codec could not decode a payload.
    public static let decodingFailed = Code.decodingFailed
}
