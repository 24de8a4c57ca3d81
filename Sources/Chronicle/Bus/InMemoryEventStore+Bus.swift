public import Logging

extension InMemoryEventStore {
    /// The domain event bus over this store. By default it uses the store's own
    /// checkpoints, dead letters, leases and delivery attempts: every bus made from
    /// one store shares them, as buses on one SQLite file or PostgreSQL database do.
    /// Tests can hand in their own (a lease store with a controlled clock, say).
    ///
    /// ```swift
    /// let store = InMemoryEventStore()
    /// let bus = store.bus()
    /// try await bus.publish(NewEvent(type: "OrderPlaced", data: json), to: "orders", key: "42")
    /// ```
    ///
    /// - Parameters:
    ///   - checkpoints: The groups' checkpoints; the store's own by default.
    ///   - deadLetters: The groups' dead letters; the store's own by default.
    ///   - attempts: Failed attempts; the store's own by default.
    ///   - leases: The leases; the store's own (``leases``) by default.
    ///   - logger: Where the bus logs; label `chronicle.bus` by default.
    /// - Returns: The bus.
    public nonisolated func bus(
        checkpoints: (any CheckpointStore)? = nil,
        deadLetters: (any DeadLetterStore)? = nil,
        attempts: (any DeliveryAttemptStore)? = nil,
        leases: (any LeaseStore)? = nil,
        logger: Logger = Logger(label: "chronicle.bus")
    ) -> EventBus {
        EventBus(
            store: self, checkpoints: checkpoints ?? self.checkpoints, deadLetters: deadLetters ?? self.deadLetters,
            leases: leases ?? self.leases, attempts: attempts ?? self.attempts, logger: logger)
    }
}
