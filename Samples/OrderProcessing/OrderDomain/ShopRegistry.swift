public import Chronicle

/// Every event and message type of the sample, registered once.
public enum ShopRegistry {
    /// The registry the services, the saga and the read models share.
    public static func make() throws -> EventTypeRegistry {
        var registry = EventTypeRegistry()
        for type: any DomainEvent.Type in [
            // Orders
            OrderPlaced.self, ItemAdded.self, OrderPaid.self, OrderConfirmed.self, OrderCancelled.self, OrderShipped.self,
            // Inventory
            StockReceived.self, StockReserved.self, StockReservationRejected.self, StockReleased.self, StockCommitted.self,
            // Payments
            PaymentRequested.self, PaymentAuthorized.self, PaymentCaptured.self, PaymentFailed.self, PaymentRefunded.self,
            // Notifications
            CustomerNotified.self,
            // The saga and its commands
            CheckoutStarted.self, CheckoutPaymentAuthorized.self, CheckoutStockReserved.self,
            CheckoutCaptureRequested.self, CheckoutCompleted.self, CheckoutCancelled.self, CheckoutRefundRequested.self,
            RequestPayment.self, CapturePayment.self, RefundPayment.self, ReserveStock.self, ReleaseStock.self,
            CommitStock.self, ConfirmOrder.self, CancelOrder.self, PaymentDeadlinePassed.self,
        ] {
            try registry.register(type)
        }
        return registry
    }
}

extension Array where Element == NewEvent {
    /// The events as messages to `topic` keyed by `key`, each with an id of its own.
    func published(to topic: Topic, key: String) -> [OutgoingMessage] {
        map { event in
            OutgoingMessage(
                NewEvent(type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata),
                to: topic, key: key)
        }
    }
}
