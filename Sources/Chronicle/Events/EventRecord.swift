public import Foundation

/// An event read back from the log, with the place the store gave it.
///
/// ```swift
/// for try await record in store.events(from: .start) {
///     print(record.position, record.stream, record.version, record.type)
/// }
/// ```
public struct EventRecord: Hashable, Sendable {
    /// The place in the global log (starts at 1, strictly increasing).
    public let position: GlobalPosition
    /// The stream the event belongs to.
    public let stream: StreamName
    /// The version within its stream (the first event is 1).
    public let version: Int64
    /// The unique event id.
    public let id: UUID
    /// The stable type name.
    public let type: String
    /// The payload's schema version.
    public let schemaVersion: Int
    /// The payload bytes.
    public let data: Data
    /// Correlation, causation and headers.
    public let metadata: EventMetadata
    /// When the store recorded the event (microsecond precision in SQLite).
    public let recordedAt: Date

    /// Creates a record; stores use this when reading rows back.
    ///
    /// - Parameters:
    ///   - position: The global position.
    ///   - stream: The stream.
    ///   - version: The version in the stream.
    ///   - id: The event id.
    ///   - type: The type name.
    ///   - schemaVersion: The payload's schema version.
    ///   - data: The payload.
    ///   - metadata: The metadata.
    ///   - recordedAt: The time of recording.
    public init(
        position: GlobalPosition, stream: StreamName, version: Int64, id: UUID, type: String,
        schemaVersion: Int, data: Data, metadata: EventMetadata, recordedAt: Date
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
    }
}
