public import Foundation

/// A message to publish: an event, its topic and key, and when it may be delivered.
///
/// ```swift
/// let message = OutgoingMessage(try registry.encode(placed), to: "orders", key: orderId)
/// try await bus.publish([message])
/// ```
public struct OutgoingMessage: Hashable, Sendable {
    /// The message: its id is the message id; its metadata carries correlation,
    /// causation and headers.
    public var event: NewEvent
    /// The topic it is published to.
    public var topic: Topic
    /// The stream id within the topic; messages with one key are delivered in
    /// order. A new id (no ordering with other messages) when `nil`.
    public var key: String?
    /// When it becomes visible to consumers; `nil` for at once.
    public var deliverAt: Date?
    /// How long after it becomes visible it may still be delivered; a group that
    /// has not handled it by then dead-letters it as expired.
    public var timeToLive: Duration?

    /// Makes a message.
    ///
    /// - Parameters:
    ///   - event: The event (id, type, payload, metadata).
    ///   - topic: The topic.
    ///   - key: The stream id within the topic; a new one when `nil`.
    ///   - deliverAt: When it becomes visible; at once when `nil`.
    ///   - timeToLive: How long it stays deliverable once visible; forever when `nil`.
    public init(
        _ event: NewEvent, to topic: Topic, key: String? = nil, deliverAt: Date? = nil, timeToLive: Duration? = nil
    ) {
        self.event = event
        self.topic = topic
        self.key = key
        self.deliverAt = deliverAt
        self.timeToLive = timeToLive
    }
}

/// Where a published message went.
///
/// ```swift
/// let receipt = try await bus.publish(event, to: "orders")
/// print(receipt.id, receipt.stream, receipt.position)
/// ```
public struct PublishReceipt: Hashable, Sendable {
    /// The message id.
    public let id: UUID
    /// The stream the message is (or, when delayed, will be) delivered in.
    public let stream: StreamName
    /// Its position in the log; for a delayed message, the position of its
    /// scheduled entry (it gets its own position when it is due).
    public let position: GlobalPosition
    /// When a delayed message becomes visible; `nil` when it is visible at once.
    public let deliverAt: Date?

    /// Makes a receipt.
    public init(id: UUID, stream: StreamName, position: GlobalPosition, deliverAt: Date?) {
        self.id = id
        self.stream = stream
        self.position = position
        self.deliverAt = deliverAt
    }
}
