public import Chronicle

/// The payments service: owns `Payment` (stream `payment-<orderId>`), calls the
/// gateway, publishes its events to `payments`, and takes `RequestPayment`,
/// `CapturePayment` and `RefundPayment` from `payment_commands`.
///
/// Every step is idempotent: the payment's state says what is already done, and
/// the gateway gets the order id as its idempotency key. A gateway outage throws,
/// so the bus retries the message, the circuit breaker counts it, and a message
/// out of attempts becomes a dead letter (the saga's deadline then cancels the order).
public struct PaymentsService: Sendable {
    public static let groupName = "payments"
    public let payments: AggregateRepository<Payment>
    public let gateway: any PaymentGateway
    let registry: EventTypeRegistry

    /// - Parameter cacheCapacity: Payments kept in memory (see ``ServiceSettings/cacheCapacity``).
    public init(
        store: some EventStore, registry: EventTypeRegistry, gateway: any PaymentGateway, cacheCapacity: Int = 0
    ) throws {
        self.registry = registry
        self.gateway = gateway
        payments = try AggregateRepository<Payment>(
            store: store, registry: registry, options: .init(cacheCapacity: cacheCapacity))
    }

    /// Handles one message of `payment_commands`.
    public func handle(_ message: ReceivedMessage) async throws {
        let orderId = message.stream.id
        let context = CommandContext(causedBy: message.record)
        let publish: AggregateRepository<Payment>.Publishing = { events, _ in
            events.published(to: ShopTopics.payments, key: orderId)
        }
        switch try registry.decode(message.record) {
        case let request as RequestPayment:
            let payment = try await payments.executeOrCreate(
                orderId, context: context, { try $0.request(amountCents: request.amountCents) }, publishing: publish
            ).state
            guard payment.status == .requested else { return }
            let decision = try await gateway.authorize(orderId: orderId, amountCents: payment.amountCents)
            try await payments.execute(orderId, context: context, { $0.record(decision) }, publishing: publish)
        case is CapturePayment:
            let payment = try await payments.load(orderId).state
            guard payment.status == .authorized else { return }
            try await gateway.capture(orderId: orderId, amountCents: payment.amountCents)
            try await payments.execute(orderId, context: context, { try $0.capture() }, publishing: publish)
        case let refund as RefundPayment:
            let payment = try await payments.loadOrInitial(orderId).state
            guard payment.status == .authorized || payment.status == .captured else { return }
            try await gateway.refund(orderId: orderId, amountCents: payment.amountCents)
            try await payments.execute(orderId, context: context, { $0.refund(reason: refund.reason) }, publishing: publish)
        default:
            break
        }
    }

    /// The service's consumer group, with a circuit breaker for gateway outages.
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        var group = try settings.group(groupName, topics: [ShopTopics.paymentCommands])
        group.circuitBreaker = CircuitBreakerPolicy(
            failureThreshold: settings.breakerThreshold, window: settings.breakerWindow,
            openDuration: settings.breakerOpenDuration)
        return group
    }
}
