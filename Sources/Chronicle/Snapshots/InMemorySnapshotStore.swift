/// A snapshot store in memory: for tests, previews, and the in-memory event store.
///
/// ```swift
/// let snapshots = InMemorySnapshotStore()
/// let orders = try AggregateRepository<Order>(
///     store: InMemoryEventStore(), snapshots: snapshots, policy: .every(50))
/// ```
public actor InMemorySnapshotStore: SnapshotStore {
    private var snapshots: [StreamName: Snapshot] = [:]

    /// Creates an empty store.
    public init() {}

    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        if let stored = snapshots[snapshot.stream], stored.version > snapshot.version { return }
        snapshots[snapshot.stream] = snapshot
    }

    public func latestSnapshot(for stream: StreamName) async throws -> Snapshot? {
        snapshots[stream]
    }

    public func deleteSnapshots(for stream: StreamName) async throws {
        snapshots[stream] = nil
    }

    /// How many streams have a snapshot.
    public var count: Int { snapshots.count }
}
