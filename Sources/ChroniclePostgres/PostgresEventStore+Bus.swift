public import Chronicle
public import Logging

extension PostgresEventStore {
    /// The domain event bus over this store, with the checkpoints, dead
    /// letters, leases and delivery attempts of its database, so that the
    /// groups' state survives restarts and is shared by every app server.
    ///
    /// ```swift
    /// let store = try await PostgresEventStore(url: "postgres://app@localhost/orders")
    /// let bus = store.bus()
    /// try await bus.publish(placed, to: "orders", key: orderId)
    /// ```
    ///
    /// - Parameter logger: Where the bus logs; label `chronicle.bus` by default.
    /// - Returns: The bus.
    public func bus(logger: Logger = Logger(label: "chronicle.bus")) -> EventBus {
        EventBus(
            store: self, checkpoints: checkpoints, deadLetters: deadLetters, leases: leases, attempts: attempts,
            logger: logger)
    }
}
