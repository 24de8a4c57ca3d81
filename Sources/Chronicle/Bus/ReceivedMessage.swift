public import Foundation

/// A message as a consumer group's handler receives it.
///
/// For a redelivered dead letter (``EventBus/retryDeadLetter(_:)``) the fields
/// are those of the original message: its id, stream, position and payload.
///
/// ```swift
/// try await bus.consume(group) { message in
///     let placed = try registry.decode(message.record) as OrderPlaced
///     try await reserveStock(for: placed, correlation: message.correlationId)
/// }
/// ```
public struct ReceivedMessage: Hashable, Sendable {
    /// The message as stored in the log (for a redelivery: rebuilt from the original's fields).
    public let record: EventRecord
    /// The consumer group that receives it.
    public let group: String
    /// The partition of the group the message's stream belongs to.
    public let partition: Int
    /// Which delivery this is: 1 the first, 2 after one failed attempt, ...
    /// (attempts survive restarts).
    public let attempt: Int
    /// Whether this is a dead letter delivered again to this group.
    public let isRedelivery: Bool

    /// Makes a received message.
    ///
    /// - Parameters:
    ///   - record: The message's event.
    ///   - group: The receiving group.
    ///   - partition: Its partition in the group.
    ///   - attempt: The delivery attempt, from 1.
    ///   - isRedelivery: Whether it is a retried dead letter.
    public init(record: EventRecord, group: String, partition: Int, attempt: Int, isRedelivery: Bool = false) {
        self.record = record
        self.group = group
        self.partition = partition
        self.attempt = attempt
        self.isRedelivery = isRedelivery
    }

    /// The message id (the event id).
    public var id: UUID { record.id }
    /// The message type.
    public var type: String { record.type }
    /// The payload.
    public var data: Data { record.data }
    /// The stream (`<topic>-<key>`).
    public var stream: StreamName { record.stream }
    /// The topic: the stream's category.
    public var topic: String { record.stream.category }
    /// The correlation id, when the publisher set one.
    public var correlationId: String? { record.metadata.correlationId }
    /// The id of the message or command that caused this one.
    public var causationId: String? { record.metadata.causationId }
    /// The application's headers and the bus's own (see ``MessageHeaders``).
    public var headers: [String: String] { record.metadata.headers }
    /// Where a reply goes, for a request (see `EventBus.reply(to:with:)`).
    public var replyTo: StreamName? { record.metadata.headers[MessageHeaders.replyTo].flatMap { try? StreamName($0) } }
    /// When the message stops being deliverable, when it has a time to live.
    public var expiresAt: Date? { MessageHeaders.date(MessageHeaders.expiresAt, in: record.metadata) }
}
