import Chronicle
import ChronicleTesting
import Testing

@Suite("In-memory checkpoint, snapshot, dead-letter and delivery-attempt stores: conformance")
struct InMemoryStoreConformanceTests {
    @Test(arguments: CheckpointStoreConformance.checks)
    func checkpoints(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
        try await check.run(against: InMemoryCheckpointStore())
    }

    @Test(arguments: SnapshotStoreConformance.checks)
    func snapshots(_ check: StoreConformanceCheck<any SnapshotStore>) async throws {
        try await check.run(against: InMemorySnapshotStore())
    }

    @Test(arguments: SnapshotStoreConformance.catalogChecks)
    func snapshotCatalog(_ check: StoreConformanceCheck<any SnapshotCatalog>) async throws {
        try await check.run(against: InMemorySnapshotStore())
    }

    @Test(arguments: DeadLetterStoreConformance.checks)
    func deadLetters(_ check: StoreConformanceCheck<any DeadLetterStore>) async throws {
        try await check.run(against: InMemoryDeadLetterStore())
    }

    @Test(arguments: DeliveryAttemptStoreConformance.checks)
    func deliveryAttempts(_ check: StoreConformanceCheck<any DeliveryAttemptStore>) async throws {
        try await check.run(against: InMemoryDeliveryAttemptStore())
    }

    @Test func checkNamesAreDistinct() {
        for names in [
            CheckpointStoreConformance.checks.map(\.name),
            SnapshotStoreConformance.checks.map(\.name) + SnapshotStoreConformance.catalogChecks.map(\.name),
            DeadLetterStoreConformance.checks.map(\.name),
            DeliveryAttemptStoreConformance.checks.map(\.name),
        ] {
            #expect(Set(names).count == names.count)
        }
    }
}
