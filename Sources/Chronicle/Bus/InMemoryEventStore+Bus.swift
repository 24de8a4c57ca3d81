internal import Logging

extension InMemoryEventStore {
    /// A bus over this store, its leases and in-memory consumer stores.
    ///
    /// ```swift
    /// let store = InMemoryEventStore()
    /// let bus = store.bus()
    /// try await bus.publish(NewEvent(type: "OrderPlaced", data: json), to: "orders", key: "42")
    /// ```
    ///
    /// - Parameters:
    ///   - checkpoints: The groups' checkpoints; a new in-memory store by default.
    ///   - deadLetters: The groups' dead letters; a new in-memory store by default.
    ///   - attempts: Failed attempts; a new in-memory store by default.
    ///   - leases: The leases; the store's own (``leases``) by default.
    /// - Returns: The bus.
    public nonisolated func bus(
        checkpoints: any CheckpointStore = InMemoryCheckpointStore(),
        deadLetters: any DeadLetterStore = InMemoryDeadLetterStore(),
        attempts: any DeliveryAttemptStore = InMemoryDeliveryAttemptStore(),
        leases: (any LeaseStore)? = nil
    ) -> EventBus {
        EventBus(
            store: self, checkpoints: checkpoints, deadLetters: deadLetters, leases: leases ?? self.leases,
            attempts: attempts)
    }
}
