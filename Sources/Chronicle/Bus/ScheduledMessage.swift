public import Foundation

/// A delayed message that waits for its time: one scheduled entry not yet
/// published to its stream.
///
/// ```swift
/// for message in try await bus.scheduledMessages(limit: 20) {
///     print(message.deliverAt, message.type, message.stream)
/// }
/// ```
public struct ScheduledMessage: Hashable, Sendable {
    /// The message id it will be published with.
    public let id: UUID
    /// The stream it will be published to (`<topic>-<key>`).
    public let stream: StreamName
    /// The message type.
    public let type: String
    /// When it becomes visible to consumers.
    public let deliverAt: Date
    /// The position of its scheduled entry in the log.
    public let position: GlobalPosition

    /// Makes a scheduled message; the bus builds these.
    ///
    /// - Parameters:
    ///   - id: The message id.
    ///   - stream: The target stream.
    ///   - type: The message type.
    ///   - deliverAt: When it is due.
    ///   - position: Where its scheduled entry is.
    public init(id: UUID, stream: StreamName, type: String, deliverAt: Date, position: GlobalPosition) {
        self.id = id
        self.stream = stream
        self.type = type
        self.deliverAt = deliverAt
        self.position = position
    }
}
