/// Where aggregate snapshots are kept: the newest one per stream.
///
/// Snapshots are a cache of the fold of a stream's events: losing one costs a
/// longer replay, never correctness. The repository treats every snapshot
/// failure that way — a failed read or an unreadable snapshot falls back to a
/// full replay, and a failed write is logged and counted but never fails the
/// command whose events were already appended.
///
/// ```swift
/// let snapshots = InMemorySnapshotStore()
/// let orders = try AggregateRepository<Order>(
///     store: store, snapshots: snapshots, policy: .every(100))
/// ```
///
/// ## Implementation requirements
/// - ``saveSnapshot(_:)`` keeps the snapshot with the highest version per stream:
///   saving one at a lower version than the stored one changes nothing; one at
///   the same or a higher version replaces it.
///   The schema version does not take part: a snapshot at the same version
///   with another schema version replaces the stored one (what an aggregate
///   whose snapshot schema changed writes after replaying).
/// - ``latestSnapshot(for:)`` returns exactly the bytes and fields saved (empty
///   data too); ``Snapshot/createdAt`` is kept to the millisecond at least.
/// - ``deleteSnapshots(for:)`` of a stream without a snapshot is no error; after
///   it, a snapshot at any version is stored.
/// - Streams are independent and compared as bytes, as ``StreamName`` is.
/// - Safe to call from several tasks at once (concurrent saves of one stream
///   keep the highest version); cancellation may end a call with
///   `CancellationError`.
/// - `ChronicleTesting`'s `SnapshotStoreConformance` checks all of this; every
///   implementation runs it. `InMemorySnapshotStore` (core) and
///   `SQLiteSnapshotStore` (ChronicleSQLite) are the reference implementations.
public protocol SnapshotStore: Sendable {
    /// Stores a snapshot unless a newer one for its stream is already stored.
    ///
    /// ```swift
    /// try await snapshots.saveSnapshot(snapshot)
    /// ```
    ///
    /// - Parameter snapshot: The snapshot.
    /// - Throws: A storage error.
    func saveSnapshot(_ snapshot: Snapshot) async throws

    /// The newest snapshot of a stream.
    ///
    /// ```swift
    /// if let snapshot = try await snapshots.latestSnapshot(for: stream) { print(snapshot.version) }
    /// ```
    ///
    /// - Parameter stream: The aggregate's stream.
    /// - Returns: The snapshot with the highest version, or `nil`.
    /// - Throws: A storage error.
    func latestSnapshot(for stream: StreamName) async throws -> Snapshot?

    /// Removes a stream's snapshots (the next load replays every event).
    ///
    /// ```swift
    /// try await snapshots.deleteSnapshots(for: stream)
    /// ```
    ///
    /// - Parameter stream: The aggregate's stream.
    /// - Throws: A storage error.
    func deleteSnapshots(for stream: StreamName) async throws
}
