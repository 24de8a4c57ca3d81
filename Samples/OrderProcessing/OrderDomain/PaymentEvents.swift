public import Chronicle

/// The checkout asked for an order's payment.
public struct PaymentRequested: DomainEvent, Equatable {
    public static let eventType = "PaymentRequested"
    public var orderId: String
    public var amountCents: Int

    public init(orderId: String, amountCents: Int) {
        self.orderId = orderId
        self.amountCents = amountCents
    }
}

/// The gateway reserved the amount on the customer's card.
public struct PaymentAuthorized: DomainEvent, Equatable {
    public static let eventType = "PaymentAuthorized"
    public var orderId: String
    public var amountCents: Int
    public var authorization: String

    public init(orderId: String, amountCents: Int, authorization: String) {
        self.orderId = orderId
        self.amountCents = amountCents
        self.authorization = authorization
    }
}

/// The gateway took the authorized amount.
public struct PaymentCaptured: DomainEvent, Equatable {
    public static let eventType = "PaymentCaptured"
    public var orderId: String
    public var amountCents: Int

    public init(orderId: String, amountCents: Int) {
        self.orderId = orderId
        self.amountCents = amountCents
    }
}

/// The gateway declined the payment: a domain outcome, not an error.
public struct PaymentFailed: DomainEvent, Equatable {
    public static let eventType = "PaymentFailed"
    public var orderId: String
    public var reason: String

    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

/// An authorized or captured payment was given back (the order was cancelled).
public struct PaymentRefunded: DomainEvent, Equatable {
    public static let eventType = "PaymentRefunded"
    public var orderId: String
    public var amountCents: Int
    public var reason: String

    public init(orderId: String, amountCents: Int, reason: String) {
        self.orderId = orderId
        self.amountCents = amountCents
        self.reason = reason
    }
}
