public import Chronicle

/// One line of an order: a product, how many, and its unit price in cents.
public struct OrderLine: Codable, Hashable, Sendable {
    public var sku: String
    public var quantity: Int
    public var unitPriceCents: Int

    public init(sku: String, quantity: Int, unitPriceCents: Int) {
        self.sku = sku
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
    }

    public var totalCents: Int { quantity * unitPriceCents }
}

/// A customer placed an order.
public struct OrderPlaced: DomainEvent, Equatable {
    public static let eventType = "OrderPlaced"
    public var customer: String
    public var lines: [OrderLine]

    public init(customer: String, lines: [OrderLine]) {
        self.customer = customer
        self.lines = lines
    }
}

/// An item was added to a placed order before payment.
public struct ItemAdded: DomainEvent, Equatable {
    public static let eventType = "ItemAdded"
    public var line: OrderLine

    public init(line: OrderLine) {
        self.line = line
    }
}

/// The order was paid in full.
public struct OrderPaid: DomainEvent, Equatable {
    public static let eventType = "OrderPaid"
    public var amountCents: Int

    public init(amountCents: Int) {
        self.amountCents = amountCents
    }
}

/// Stock was reserved and payment taken: the order will ship.
public struct OrderConfirmed: DomainEvent, Equatable {
    public static let eventType = "OrderConfirmed"

    public init() {}
}

/// The order was cancelled, refunding any payment.
public struct OrderCancelled: DomainEvent, Equatable {
    public static let eventType = "OrderCancelled"
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// The order left the warehouse.
public struct OrderShipped: DomainEvent, Equatable {
    public static let eventType = "OrderShipped"

    public init() {}
}
