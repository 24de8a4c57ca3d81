public import Chronicle

/// The customer was told how their order ended (stream `notification-<orderId>`).
public struct CustomerNotified: DomainEvent, Equatable {
    public static let eventType = "CustomerNotified"
    public enum Kind: String, Codable, Sendable { case confirmation, cancellation }
    public var orderId: String
    public var customer: String
    public var kind: Kind
    public var text: String
    /// Why the order was cancelled; `nil` for a confirmation.
    public var reason: String?

    public init(orderId: String, customer: String, kind: Kind, text: String, reason: String? = nil) {
        self.orderId = orderId
        self.customer = customer
        self.kind = kind
        self.text = text
        self.reason = reason
    }
}

/// The notification of one order: at most one, whichever way the order ended.
public struct CustomerNotification: Aggregate, Codable, Equatable {
    public static let category = "notification"
    public static let handlers = EventHandlers<CustomerNotification>()
        .on(CustomerNotified.self) { notification, event in notification.sent = event }

    public let id: String
    public var sent: CustomerNotified?

    public init(id: String) { self.id = id }

    /// Notifies the customer once; nothing when this order's notification exists.
    public func notify(
        customer: String, kind: CustomerNotified.Kind, text: String, reason: String? = nil
    ) -> [any DomainEvent] {
        guard sent == nil else { return [] }
        return [CustomerNotified(orderId: id, customer: customer, kind: kind, text: text, reason: reason)]
    }
}
