import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Testing

@Suite("PostgreSQL checkpoint, snapshot, dead-letter and delivery-attempt stores: conformance")
struct PostgresStoreConformanceTests {
    @Test(arguments: CheckpointStoreConformance.checks)
    func checkpoints(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: store.checkpoints) }
    }

    @Test(arguments: SnapshotStoreConformance.checks)
    func snapshots(_ check: StoreConformanceCheck<any SnapshotStore>) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: PostgresSnapshotStore(store)) }
    }

    @Test(arguments: SnapshotStoreConformance.catalogChecks)
    func snapshotCatalog(_ check: StoreConformanceCheck<any SnapshotCatalog>) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: PostgresSnapshotStore(store)) }
    }

    @Test(arguments: DeadLetterStoreConformance.checks)
    func deadLetters(_ check: StoreConformanceCheck<any DeadLetterStore>) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: store.deadLetters) }
    }

    @Test(arguments: DeliveryAttemptStoreConformance.checks)
    func deliveryAttempts(_ check: StoreConformanceCheck<any DeliveryAttemptStore>) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: store.attempts) }
    }
}
