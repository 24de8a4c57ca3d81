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
public struct StockReserved: DomainEvent, Equatable {
    public static let eventType = "StockReserved"
    public var orderId: String
    public var quantity: Int

    public init(orderId: String, quantity: Int) {
        self.orderId = orderId
        self.quantity = quantity
    }
}

/// An order's reservation was given back (the order was cancelled).
public struct StockReleased: DomainEvent, Equatable {
    public static let eventType = "StockReleased"
    public var orderId: String
    public var quantity: Int

    public init(orderId: String, quantity: Int) {
        self.orderId = orderId
        self.quantity = quantity
    }
}
