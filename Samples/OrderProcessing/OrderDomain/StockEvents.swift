public import Chronicle

/// Units of a product arrived in the warehouse.
public struct StockReceived: DomainEvent, Equatable {
    public static let eventType = "StockReceived"
    public var quantity: Int

    public init(quantity: Int) {
        self.quantity = quantity
    }
}

/// Units were set aside for an order.
///
/// `sku` names the product (the stream `stock-<sku>` names it too; the field
/// makes the message published to `inventory` self-contained).
public struct StockReserved: DomainEvent, Equatable {
    public static let eventType = "StockReserved"
    public var orderId: String
    public var quantity: Int
    public var sku: String?

    public init(orderId: String, quantity: Int, sku: String? = nil) {
        self.orderId = orderId
        self.quantity = quantity
        self.sku = sku
    }
}

/// An order asked for more units than were available: a domain outcome, not an error.
public struct StockReservationRejected: DomainEvent, Equatable {
    public static let eventType = "StockReservationRejected"
    public var orderId: String
    public var sku: String
    public var requested: Int
    public var available: Int

    public init(orderId: String, sku: String, requested: Int, available: Int) {
        self.orderId = orderId
        self.sku = sku
        self.requested = requested
        self.available = available
    }
}

/// An order's reservation was given back (the order was cancelled).
public struct StockReleased: DomainEvent, Equatable {
    public static let eventType = "StockReleased"
    public var orderId: String
    public var quantity: Int
    public var sku: String?

    public init(orderId: String, quantity: Int, sku: String? = nil) {
        self.orderId = orderId
        self.quantity = quantity
        self.sku = sku
    }
}

/// An order's reserved units left the stock for good (the order was confirmed).
public struct StockCommitted: DomainEvent, Equatable {
    public static let eventType = "StockCommitted"
    public var orderId: String
    public var sku: String
    public var quantity: Int

    public init(orderId: String, sku: String, quantity: Int) {
        self.orderId = orderId
        self.sku = sku
        self.quantity = quantity
    }
}
