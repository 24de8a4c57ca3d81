public import Chronicle

/// The payment of one order (stream `payment-<orderId>`): requested, then
/// authorized or failed; an authorized payment is captured or refunded, a
/// captured one may be refunded.
public struct Payment: Aggregate, Codable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case none, requested, authorized, captured, failed, refunded
    }

    public static let category = "payment"
    public static let handlers = EventHandlers<Payment>()
        .on(PaymentRequested.self) { payment, event in
            payment.amountCents = event.amountCents
            payment.status = .requested
        }
        .on(PaymentAuthorized.self) { payment, event in
            payment.authorization = event.authorization
            payment.status = .authorized
        }
        .on(PaymentCaptured.self) { payment, _ in payment.status = .captured }
        .on(PaymentFailed.self) { payment, event in
            payment.status = .failed
            payment.failure = event.reason
        }
        .on(PaymentRefunded.self) { payment, _ in payment.status = .refunded }

    public let id: String
    public var status: Status = .none
    public var amountCents = 0
    public var authorization: String?
    public var failure: String?

    public init(id: String) { self.id = id }
}

/// Why a payment command was refused.
public enum PaymentError: Error, Equatable, CustomStringConvertible {
    case invalidAmount(Int)
    case notAuthorized(Payment.Status)

    public var description: String {
        switch self {
        case .invalidAmount(let cents): return "payment amount \(cents) cents is not positive"
        case .notAuthorized(let status): return "the payment is \(status.rawValue), not authorized"
        }
    }
}

extension Payment {
    /// Records the request; nothing when it was already requested (a message delivered again).
    public func request(amountCents: Int) throws -> [any DomainEvent] {
        guard amountCents > 0 else { throw PaymentError.invalidAmount(amountCents) }
        guard status == .none else { return [] }
        return [PaymentRequested(orderId: id, amountCents: amountCents)]
    }

    /// Records the gateway's answer to the authorization; nothing once it is known.
    public func record(_ decision: PaymentGatewayDecision) -> [any DomainEvent] {
        guard status == .requested else { return [] }
        switch decision {
        case .approved(let authorization):
            return [PaymentAuthorized(orderId: id, amountCents: amountCents, authorization: authorization)]
        case .declined(let reason):
            return [PaymentFailed(orderId: id, reason: reason)]
        }
    }

    /// Records the capture of an authorized payment; nothing when already captured.
    public func capture() throws -> [any DomainEvent] {
        switch status {
        case .authorized: return [PaymentCaptured(orderId: id, amountCents: amountCents)]
        case .captured: return []
        default: throw PaymentError.notAuthorized(status)
        }
    }

    /// Records a refund of an authorized or captured payment; nothing otherwise
    /// (never authorized, failed, or already refunded).
    public func refund(reason: String) -> [any DomainEvent] {
        guard status == .authorized || status == .captured else { return [] }
        return [PaymentRefunded(orderId: id, amountCents: amountCents, reason: reason)]
    }
}
