public import Foundation

/// What a store knows about one stream without reading its events: its name,
/// its version and when it last changed.
///
/// ```swift
/// for info in try await store.streams(category: "order", after: nil, limit: 100) {
///     print(info.stream, info.version, info.updatedAt)
/// }
/// ```
public struct StreamInfo: Hashable, Sendable {
    /// The stream.
    public let stream: StreamName
    /// Its version: the number of its events (at least 1 for a listed stream).
    public let version: Int64
    /// The recorded-at time of its last event.
    public let updatedAt: Date

    /// Creates stream information; stores build these.
    ///
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: Its current version.
    ///   - updatedAt: The recorded-at time of its last event.
    public init(stream: StreamName, version: Int64, updatedAt: Date) {
        self.stream = stream
        self.version = version
        self.updatedAt = updatedAt
    }
}
