public import Foundation

/// Where a command comes from: the ids that flow into the metadata of the events it produces.
///
/// Every event a command appends gets:
/// - `correlationId`: ``correlationId``, or the ``commandId`` when there is none
///   (the command starts a new conversation);
/// - `causationId`: ``causationId``, or the ``commandId`` (the command directly
///   caused the events);
/// - `headers`: ``headers``.
///
/// A process manager reacting to an event passes ``init(causedBy:commandId:headers:)``,
/// so the whole chain shares one correlation id and each step names its cause.
///
/// ```swift
/// // From an HTTP request:
/// let context = CommandContext(correlationId: request.id, headers: ["user": user.name])
/// try await orders.execute("42", context: context) { try $0.pay() }
///
/// // From a handler of another event:
/// try await shipments.create("s-9", context: CommandContext(causedBy: paidRecord)) { _ in [ShipmentRequested()] }
/// ```
public struct CommandContext: Hashable, Sendable {
    /// The command's own id; a new UUID by default.
    public var commandId: String
    /// The id of the original request; `nil` makes the command its own correlation.
    public var correlationId: String?
    /// The id of the message that caused this command; `nil` makes the command the cause.
    public var causationId: String?
    /// Headers copied into every event's metadata (tenant, user, trace ids).
    public var headers: [String: String]

    /// Creates a context.
    ///
    /// ```swift
    /// let context = CommandContext(commandId: "cmd-1", correlationId: "req-7")
    /// ```
    ///
    /// - Parameters:
    ///   - commandId: The command's id; a new UUID by default.
    ///   - correlationId: The original request's id.
    ///   - causationId: The id of the message that caused the command.
    ///   - headers: Headers for every event.
    public init(
        commandId: String = UUID.chronicleRandom().chronicleString, correlationId: String? = nil, causationId: String? = nil,
        headers: [String: String] = [:]
    ) {
        self.commandId = commandId
        self.correlationId = correlationId
        self.causationId = causationId
        self.headers = headers
    }

    /// A context for a command issued in reaction to a stored event.
    ///
    /// The correlation id carries over from the event (or is the event's id when
    /// it has none); the causation id is the event's id.
    ///
    /// ```swift
    /// let context = CommandContext(causedBy: record)
    /// ```
    ///
    /// - Parameters:
    ///   - record: The event being reacted to.
    ///   - commandId: The command's id; a new UUID by default.
    ///   - headers: Headers for every event; the record's headers by default.
    public init(causedBy record: EventRecord, commandId: String = UUID.chronicleRandom().chronicleString, headers: [String: String]? = nil) {
        self.init(
            commandId: commandId, correlationId: record.metadata.correlationId ?? record.id.chronicleString,
            causationId: record.id.chronicleString, headers: headers ?? record.metadata.headers)
    }

    /// The metadata the command's events get.
    public var eventMetadata: EventMetadata {
        EventMetadata(
            correlationId: correlationId ?? commandId, causationId: causationId ?? commandId, headers: headers)
    }
}
