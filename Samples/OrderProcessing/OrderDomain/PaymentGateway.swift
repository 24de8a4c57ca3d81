/// The gateway's answer to an authorization: approved (with its reference) or declined.
public enum PaymentGatewayDecision: Sendable, Equatable {
    case approved(authorization: String)
    case declined(reason: String)
}

/// A card payment gateway, as the payments service sees it. Every call carries
/// the order id as its idempotency key: calling again after a lost answer
/// does not charge twice.
///
/// ```swift
/// let gateway: any PaymentGateway = FlakyPaymentGateway(failureRate: 0.2)
/// let decision = try await gateway.authorize(orderId: "42", amountCents: 3_000)
/// ```
public protocol PaymentGateway: Sendable {
    /// Asks for an authorization; throws when the gateway cannot answer (retry later).
    func authorize(orderId: String, amountCents: Int) async throws -> PaymentGatewayDecision
    /// Takes an authorized amount.
    func capture(orderId: String, amountCents: Int) async throws
    /// Gives an authorized or captured amount back.
    func refund(orderId: String, amountCents: Int) async throws
}

/// The gateway did not answer (timeout, outage): the call may be retried.
public struct PaymentGatewayUnavailable: Error, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "payment gateway unavailable" }
}

/// The demo's gateway, deliberately flaky: with probability `failureRate` an
/// authorization goes wrong, half the time as a decline (the order is cancelled)
/// and half the time as an outage (the call throws, so the bus retries it, the
/// circuit breaker counts it, and a message out of attempts becomes a dead
/// letter). Each call waits `latency` first. Captures and refunds always succeed.
public struct FlakyPaymentGateway: PaymentGateway {
    public let failureRate: Double
    public let latency: Duration

    /// - Parameters:
    ///   - failureRate: 0...1, the share of authorizations that go wrong.
    ///   - latency: How long each call takes.
    public init(failureRate: Double, latency: Duration = .zero) {
        self.failureRate = min(1, max(0, failureRate))
        self.latency = latency
    }

    public func authorize(orderId: String, amountCents: Int) async throws -> PaymentGatewayDecision {
        if latency > .zero { try await Task.sleep(for: latency) }
        let roll = Double.random(in: 0..<1)
        if roll < failureRate / 2 { throw PaymentGatewayUnavailable() }
        if roll < failureRate { return .declined(reason: "card declined") }
        return .approved(authorization: "auth-\(orderId.prefix(8))")
    }

    public func capture(orderId: String, amountCents: Int) async throws {
        if latency > .zero { try await Task.sleep(for: latency) }
    }

    public func refund(orderId: String, amountCents: Int) async throws {
        if latency > .zero { try await Task.sleep(for: latency) }
    }
}
