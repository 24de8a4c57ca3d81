public import Logging

extension InMemoryEventStore {
    /// The domain event bus over this store, with the store's own checkpoints,
    /// dead letters, leases and delivery attempts: every bus made from one store
    /// shares them, as buses on one SQLite file or PostgreSQL database do.
    ///
    /// ```swift
    /// let store = InMemoryEventStore()
    /// let bus = store.bus()
    /// try await bus.publish(placed, to: "orders", key: orderId)
    /// ```
    ///
    /// - Parameter logger: Where the bus logs; label `chronicle.bus` by default.
    /// - Returns: The bus.
    public nonisolated func bus(logger: Logger = Logger(label: "chronicle.bus")) -> EventBus {
        EventBus(
            store: self, checkpoints: checkpoints, deadLetters: deadLetters, leases: leases, attempts: attempts,
            logger: logger)
    }
}
