import Chronicle
import Foundation
import Logging
import Testing

@Suite("InMemoryEventStore.bus and BackendStore.bus")
struct InMemoryEventStoreBusTests {
    @Test func busesOfOneStoreShareItsConsumerStores() async throws {
        let store = InMemoryEventStore()
        let message = UUID()
        try await store.bus().attempts.recordFailure(consumer: "payments", message: message, error: "timeout")
        try await store.bus().checkpoints.save(3, named: "payments/orders/0")
        let bus = store.bus()
        #expect(try await bus.attempts.attempts(consumer: "payments", message: message)?.attempts == 1)
        #expect(try await bus.checkpoints.checkpoint(named: "payments/orders/0")?.position == 3)
        #expect(try await store.checkpoints.checkpoint(named: "payments/orders/0")?.position == 3)
        #expect(bus.leases as? InMemoryLeaseStore === store.leases)
        #expect(bus.deadLetters as? InMemoryDeadLetterStore === store.deadLetters)
        #expect(store.bus().logger.label == "chronicle.bus")
    }

    /// A backend written before the bus gets a bus over its own stores, with the log's leases.
    @Test func theDefaultBackendBusUsesTheStoresCheckpointsDeadLettersAndTheLogsLeases() async throws {
        let opened = OldBackendStore()
        let bus = opened.bus
        #expect(bus.checkpoints as? InMemoryCheckpointStore === opened.checkpointStore)
        #expect(bus.deadLetters as? InMemoryDeadLetterStore === opened.deadLetterStore)
        #expect(bus.leases as? InMemoryLeaseStore === opened.log.leases)
        let message = UUID()
        #expect(try await bus.attempts.recordFailure(consumer: "payments", message: message, error: "e").attempts == 1)
    }

    struct OldBackendStore: BackendStore {
        let log = InMemoryEventStore()
        let checkpointStore = InMemoryCheckpointStore()
        let deadLetterStore = InMemoryDeadLetterStore()
        let snapshotStore = InMemorySnapshotStore()

        var events: any EventStore & StreamCatalog & EventStoreImporting { log }
        var checkpoints: any CheckpointStore { checkpointStore }
        var deadLetters: any DeadLetterStore { deadLetterStore }
        var snapshots: any SnapshotStore { snapshotStore }
        var wasCreated: Bool { false }
        func close() {}
    }
}
