public import Foundation

/// The header keys the bus reserves in a message's ``EventMetadata/headers``.
///
/// They start with `chronicle.`; an application's own headers should not. Times
/// are ISO 8601 in UTC with milliseconds (`2026-12-05T08:00:00.000Z`).
///
/// ```swift
/// let due = MessageHeaders.date(MessageHeaders.deliverAt, in: record.metadata)
/// ```
public enum MessageHeaders {
    /// When a delayed message becomes visible to consumers.
    public static let deliverAt = "chronicle.deliver-at"
    /// After when a message is no longer delivered (dead-lettered as expired instead).
    public static let expiresAt = "chronicle.expires-at"
    /// The stream a reply to this message goes to (request-reply).
    public static let replyTo = "chronicle.reply-to"
    /// On a scheduled (delayed) message: the stream it is published to when due.
    public static let scheduledStream = "chronicle.scheduled-stream"
    /// On a scheduled (delayed) message: the message id it is published with when due.
    public static let scheduledId = "chronicle.scheduled-id"
    /// On a redelivery: the id of the message delivered again.
    public static let redeliveryOf = "chronicle.redelivery-of"
    /// On a redelivery: the stream of the message delivered again.
    public static let redeliveryStream = "chronicle.redelivery-stream"
    /// On a redelivery: the global position of the message delivered again.
    public static let redeliveryPosition = "chronicle.redelivery-position"
    /// On a redelivery: the time the message delivered again was recorded.
    public static let redeliveryRecordedAt = "chronicle.redelivery-recorded-at"
    /// On a redelivery: the stream version of the message delivered again.
    public static let redeliveryVersion = "chronicle.redelivery-version"

    /// The text form of `date` used in headers.
    ///
    /// - Parameter date: The time.
    /// - Returns: ISO 8601 in UTC with milliseconds.
    public static func text(_ date: Date) -> String {
        date.formatted(format)
    }

    /// Reads the time stored under `key`.
    ///
    /// - Parameters:
    ///   - key: A header key, such as ``deliverAt``.
    ///   - metadata: The message's metadata.
    /// - Returns: The time, or `nil` when the header is absent or not a time.
    public static func date(_ key: String, in metadata: EventMetadata) -> Date? {
        guard let text = metadata.headers[key] else { return nil }
        return try? format.parse(text)
    }

    private static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
