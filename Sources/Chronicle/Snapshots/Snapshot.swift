public import Foundation

/// An aggregate's encoded state at a version of its stream.
///
/// The repository loads the newest snapshot and then only the events after
/// ``version``. ``schemaVersion`` is the aggregate's
/// ``Aggregate/snapshotSchemaVersion`` when the snapshot was taken: a snapshot
/// with another schema version is ignored.
///
/// ```swift
/// let snapshot = Snapshot(
///     stream: try StreamName("order-42"), version: 1_000, schemaVersion: 1,
///     data: try JSONEncoder().encode(order))
/// try await snapshots.saveSnapshot(snapshot)
/// ```
public struct Snapshot: Hashable, Sendable {
    /// The aggregate's stream.
    public let stream: StreamName
    /// The version of the last event the state includes (at least 1).
    public let version: Int64
    /// The aggregate's snapshot schema version when the snapshot was taken.
    public let schemaVersion: Int
    /// The encoded state.
    public let data: Data
    /// When the snapshot was taken.
    public let createdAt: Date

    /// Creates a snapshot.
    ///
    /// - Parameters:
    ///   - stream: The aggregate's stream.
    ///   - version: The version of the last event the state includes.
    ///   - schemaVersion: The aggregate's snapshot schema version.
    ///   - data: The encoded state.
    ///   - createdAt: When it was taken; now by default.
    public init(stream: StreamName, version: Int64, schemaVersion: Int, data: Data, createdAt: Date = Date()) {
        self.stream = stream
        self.version = version
        self.schemaVersion = schemaVersion
        self.data = data
        self.createdAt = createdAt
    }
}
