/// Which events of the global log a read or subscription wants.
///
/// Each set that is given narrows the read: an event passes when it matches
/// every given set (one of the categories, and one of the streams, and one of
/// the types). `nil` means "no restriction".
///
/// ```swift
/// let orders = EventFilter(categories: ["order"])
/// let paid = EventFilter(categories: ["order"], eventTypes: ["OrderPaid"])
/// let page = try await store.readAll(from: .start, limit: 500, filter: paid)
/// ```
public struct EventFilter: Hashable, Sendable {
    /// Categories to keep, or `nil` for all.
    public var categories: Set<String>?
    /// Streams to keep, or `nil` for all.
    public var streams: Set<StreamName>?
    /// Event type names to keep, or `nil` for all.
    public var eventTypes: Set<String>?

    /// Creates a filter.
    ///
    /// - Parameters:
    ///   - categories: Categories to keep, or `nil` for all.
    ///   - streams: Streams to keep, or `nil` for all.
    ///   - eventTypes: Type names to keep, or `nil` for all.
    public init(categories: Set<String>? = nil, streams: Set<StreamName>? = nil, eventTypes: Set<String>? = nil) {
        self.categories = categories
        self.streams = streams
        self.eventTypes = eventTypes
    }

    /// Every event.
    public static let all = EventFilter()

    /// Whether the filter keeps everything.
    public var isAll: Bool { categories == nil && streams == nil && eventTypes == nil }

    /// Whether `record` passes the filter.
    ///
    /// - Parameter record: An event read from the log.
    /// - Returns: `true` when the event matches every given set.
    public func matches(_ record: EventRecord) -> Bool {
        if let categories, !Self.containsBytes(of: record.stream.category, in: categories) { return false }
        if let streams, !streams.contains(record.stream) { return false }
        if let eventTypes, !Self.containsBytes(of: record.type, in: eventTypes) { return false }
        return true
    }

    /// Set membership by UTF-8 bytes, as stores compare text: a `Set<String>`
    /// alone would match a canonically equivalent spelling too.
    static func containsBytes(of text: String, in set: Set<String>) -> Bool {
        guard set.contains(text) else { return false }
        return set.contains { $0.utf8.elementsEqual(text.utf8) }
    }
}
