public import Foundation

/// An event a consumer gave up on after its last retry, kept for people to
/// look at, retry or purge.
///
/// ```swift
/// for letter in try await deadLetters.deadLetters(consumer: "order-summary", limit: 50) {
///     print(letter.position, letter.type, letter.error, letter.attempts, letter.firstFailedAt ?? letter.failedAt)
/// }
/// ```
public struct DeadLetter: Hashable, Sendable {
    /// The consumer's name under its old label.
    @available(*, deprecated, renamed: "consumer")
    public var subscriber: String { consumer }

    /// The entry's id in its store (assigned when parked).
    public let id: Int64
    /// The projection or consumer that failed.
    public let consumer: String
    /// The event's global position.
    public let position: GlobalPosition
    /// The event's id.
    public let eventId: UUID
    /// The event's stream.
    public let stream: StreamName
    /// The event's type name.
    public let type: String
    /// The last error, as text.
    public let error: String
    /// How many times the handler ran.
    public let attempts: Int
    /// When it last failed: when it was parked, or when a retry of it last failed.
    public let failedAt: Date
    /// When its first attempt failed, when the consumer knew it (a bus group
    /// counts attempts across restarts); `nil` when unknown, as for projections,
    /// whose retries run within one batch.
    public let firstFailedAt: Date?

    /// Creates a dead letter value; stores build these.
    ///
    /// - Parameters:
    ///   - id: The entry's id.
    ///   - consumer: The consumer's name.
    ///   - position: The event's position.
    ///   - eventId: The event's id.
    ///   - stream: The event's stream.
    ///   - type: The event's type.
    ///   - error: The last error.
    ///   - attempts: How many times the handler ran.
    ///   - failedAt: When it last failed.
    ///   - firstFailedAt: When its first attempt failed, or `nil` when unknown.
    public init(
        id: Int64, consumer: String, position: GlobalPosition, eventId: UUID, stream: StreamName, type: String,
        error: String, attempts: Int, failedAt: Date, firstFailedAt: Date? = nil
    ) {
        self.id = id
        self.consumer = consumer
        self.position = position
        self.eventId = eventId
        self.stream = stream
        self.type = type
        self.error = error
        self.attempts = attempts
        self.failedAt = failedAt
        self.firstFailedAt = firstFailedAt
    }
}
