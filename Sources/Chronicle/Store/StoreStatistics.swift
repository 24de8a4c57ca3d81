public import Foundation

/// Counts that describe a whole store: how many events and streams it holds and
/// where its log ends.
///
/// ```swift
/// let statistics = try await store.statistics()
/// print("\(statistics.eventCount) events in \(statistics.streamCount) streams, head \(statistics.headPosition)")
/// ```
public struct StoreStatistics: Hashable, Sendable {
    /// The number of events in the log.
    public let eventCount: Int64
    /// The number of streams holding at least one event.
    public let streamCount: Int64
    /// The position of the last event, ``GlobalPosition/none`` when the store is empty.
    public let headPosition: GlobalPosition
    /// The recorded-at time of the event at the head, `nil` when the store is empty.
    public let headRecordedAt: Date?

    /// Creates statistics; stores build these.
    ///
    /// - Parameters:
    ///   - eventCount: The number of events.
    ///   - streamCount: The number of non-empty streams.
    ///   - headPosition: The position of the last event.
    ///   - headRecordedAt: The recorded-at time of the last event.
    public init(eventCount: Int64, streamCount: Int64, headPosition: GlobalPosition, headRecordedAt: Date?) {
        self.eventCount = eventCount
        self.streamCount = streamCount
        self.headPosition = headPosition
        self.headRecordedAt = headRecordedAt
    }
}
