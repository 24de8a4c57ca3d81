public import Chronicle

// The commands the checkout saga sends to the services, each on the service's
// command topic keyed by the order id (so one order's commands arrive in order),
// and the saga's own time-out.

/// Payments: authorize the order's amount.
public struct RequestPayment: DomainEvent, Equatable {
    public static let eventType = "RequestPayment"
    public var amountCents: Int
    public init(amountCents: Int) { self.amountCents = amountCents }
}

/// Payments: capture the authorized amount.
public struct CapturePayment: DomainEvent, Equatable {
    public static let eventType = "CapturePayment"
    public init() {}
}

/// Payments: give an authorized or captured amount back.
public struct RefundPayment: DomainEvent, Equatable {
    public static let eventType = "RefundPayment"
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// Inventory: reserve the order's lines.
public struct ReserveStock: DomainEvent, Equatable {
    public static let eventType = "ReserveStock"
    public var lines: [OrderLine]
    public init(lines: [OrderLine]) { self.lines = lines }
}

/// Inventory: give back whatever the order has reserved of these products.
public struct ReleaseStock: DomainEvent, Equatable {
    public static let eventType = "ReleaseStock"
    public var skus: [String]
    public init(skus: [String]) { self.skus = skus }
}

/// Inventory: take the order's reserved units out of the stock.
public struct CommitStock: DomainEvent, Equatable {
    public static let eventType = "CommitStock"
    public var skus: [String]
    public init(skus: [String]) { self.skus = skus }
}

/// Orders: the order is paid and its stock committed.
public struct ConfirmOrder: DomainEvent, Equatable {
    public static let eventType = "ConfirmOrder"
    public var amountCents: Int
    public init(amountCents: Int) { self.amountCents = amountCents }
}

/// Orders: cancel the order.
public struct CancelOrder: DomainEvent, Equatable {
    public static let eventType = "CancelOrder"
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// The saga's own delayed message: the payment deadline of an order passed.
public struct PaymentDeadlinePassed: DomainEvent, Equatable {
    public static let eventType = "PaymentDeadlinePassed"
    public init() {}
}

/// The sample's topics. Services publish their events to theirs (`orders`,
/// `payments`, `inventory`, `notifications`) through the outbox; the saga sends
/// commands to `*_commands` and its time-outs to `checkout_timeouts`. Every
/// message is keyed by its order id.
public enum ShopTopics {
    public static let orders: Topic = "orders"
    public static let payments: Topic = "payments"
    public static let inventory: Topic = "inventory"
    public static let notifications: Topic = "notifications"
    public static let orderCommands: Topic = "order_commands"
    public static let paymentCommands: Topic = "payment_commands"
    public static let inventoryCommands: Topic = "inventory_commands"
    public static let checkoutTimeouts: Topic = "checkout_timeouts"
}
