/// A snapshot store in memory: for tests, previews, and the in-memory event store.
/// It is a ``SnapshotCatalog``: it lists its snapshots.
///
/// ```swift
/// let snapshots = InMemorySnapshotStore()
/// let orders = try AggregateRepository<Order>(
///     store: InMemoryEventStore(), snapshots: snapshots, policy: .every(50))
/// ```
public actor InMemorySnapshotStore: SnapshotCatalog {
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

    public func snapshots(category: String?, after: StreamName?, limit: Int) async throws -> [SnapshotInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        return snapshots.values
            .filter { snapshot in
                (category.map { snapshot.stream.category.utf8.elementsEqual($0.utf8) } ?? true)
                    && (after.map { $0.precedesInCatalog(snapshot.stream) } ?? true)
            }
            .sorted { $0.stream.precedesInCatalog($1.stream) }
            .prefix(limit)
            .map { SnapshotInfo($0) }
    }

    /// How many streams have a snapshot.
    public var count: Int { snapshots.count }
}
