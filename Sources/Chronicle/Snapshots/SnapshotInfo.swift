public import Foundation

/// What a snapshot store knows about one stream's snapshot without its state:
/// the stream, the version it was taken at, its schema version, its size and
/// when it was taken.
///
/// ```swift
/// for info in try await snapshots.snapshots(category: "order", after: nil, limit: 100) {
///     print(info.stream, info.version, info.size)
/// }
/// ```
public struct SnapshotInfo: Hashable, Sendable {
    /// The aggregate's stream.
    public let stream: StreamName
    /// The version of the last event the snapshot includes.
    public let version: Int64
    /// The aggregate's snapshot schema version when the snapshot was taken.
    public let schemaVersion: Int
    /// The size of the encoded state, in bytes.
    public let size: Int64
    /// When the snapshot was taken.
    public let createdAt: Date

    /// Creates snapshot information; snapshot stores build these.
    ///
    /// ```swift
    /// let info = SnapshotInfo(snapshot)
    /// ```
    ///
    /// - Parameters:
    ///   - stream: The aggregate's stream.
    ///   - version: The version of the last event the snapshot includes.
    ///   - schemaVersion: The snapshot schema version.
    ///   - size: The size of the encoded state, in bytes.
    ///   - createdAt: When the snapshot was taken.
    public init(stream: StreamName, version: Int64, schemaVersion: Int, size: Int64, createdAt: Date) {
        self.stream = stream
        self.version = version
        self.schemaVersion = schemaVersion
        self.size = size
        self.createdAt = createdAt
    }

    /// The information of a snapshot.
    ///
    /// ```swift
    /// let info = SnapshotInfo(Snapshot(stream: stream, version: 3, schemaVersion: 1, data: state))
    /// ```
    ///
    /// - Parameter snapshot: The snapshot.
    public init(_ snapshot: Snapshot) {
        self.init(
            stream: snapshot.stream, version: snapshot.version, schemaVersion: snapshot.schemaVersion,
            size: Int64(snapshot.data.count), createdAt: snapshot.createdAt)
    }
}
