public import Chronicle

// The checkout saga's own events (stream `checkout-<orderId>`): what it learned
// and what it decided. Each decision publishes its commands in the same append.

/// An order was placed: payment and stock are requested, the deadline set.
public struct CheckoutStarted: DomainEvent, Equatable {
    public static let eventType = "CheckoutStarted"
    public var customer: String
    public var lines: [OrderLine]
    public var totalCents: Int

    public init(customer: String, lines: [OrderLine], totalCents: Int) {
        self.customer = customer
        self.lines = lines
        self.totalCents = totalCents
    }
}

/// The payment was authorized.
public struct CheckoutPaymentAuthorized: DomainEvent, Equatable {
    public static let eventType = "CheckoutPaymentAuthorized"
    public init() {}
}

/// One product of the order was reserved.
public struct CheckoutStockReserved: DomainEvent, Equatable {
    public static let eventType = "CheckoutStockReserved"
    public var sku: String
    public init(sku: String) { self.sku = sku }
}

/// Payment authorized and every product reserved: the payment is to be captured.
public struct CheckoutCaptureRequested: DomainEvent, Equatable {
    public static let eventType = "CheckoutCaptureRequested"
    public var amountCents: Int
    public init(amountCents: Int) { self.amountCents = amountCents }
}

/// The payment was captured: stock is committed and the order confirmed.
public struct CheckoutCompleted: DomainEvent, Equatable {
    public static let eventType = "CheckoutCompleted"
    public init() {}
}

/// The order is cancelled: stock released, and the payment refunded if it was authorized.
public struct CheckoutCancelled: DomainEvent, Equatable {
    public static let eventType = "CheckoutCancelled"
    public var reason: String
    public var refundPayment: Bool

    public init(reason: String, refundPayment: Bool) {
        self.reason = reason
        self.refundPayment = refundPayment
    }
}

/// A payment authorized after the order was cancelled is refunded.
public struct CheckoutRefundRequested: DomainEvent, Equatable {
    public static let eventType = "CheckoutRefundRequested"
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
