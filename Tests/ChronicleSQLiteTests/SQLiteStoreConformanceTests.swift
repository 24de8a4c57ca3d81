import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Testing

@Suite("SQLite checkpoint, snapshot, dead-letter and delivery-attempt stores: conformance")
struct SQLiteStoreConformanceTests {
    @Test(arguments: CheckpointStoreConformance.checks)
    func checkpoints(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
        try await withStore { store in try await check.run(against: store.checkpoints) }
    }

    @Test(arguments: SnapshotStoreConformance.checks)
    func snapshots(_ check: StoreConformanceCheck<any SnapshotStore>) async throws {
        try await withStore { store in try await check.run(against: SQLiteSnapshotStore(store)) }
    }

    @Test(arguments: SnapshotStoreConformance.catalogChecks)
    func snapshotCatalog(_ check: StoreConformanceCheck<any SnapshotCatalog>) async throws {
        try await withStore { store in try await check.run(against: SQLiteSnapshotStore(store)) }
    }

    @Test(arguments: DeadLetterStoreConformance.checks)
    func deadLetters(_ check: StoreConformanceCheck<any DeadLetterStore>) async throws {
        try await withStore { store in try await check.run(against: store.deadLetters) }
    }

    @Test(arguments: DeliveryAttemptStoreConformance.checks)
    func deliveryAttempts(_ check: StoreConformanceCheck<any DeliveryAttemptStore>) async throws {
        try await withStore { store in try await check.run(against: store.attempts) }
    }

    /// A fresh store in a temporary directory, closed after `body`.
    private func withStore(_ body: (SQLiteEventStore) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        // NORMAL durability keeps the suite fast; FULL is covered by the store tests.
        let store = try await SQLiteEventStore(path: directory.path("events.sqlite"), options: .init(durability: .normal))
        try await body(store)
        try store.close()
    }
}
