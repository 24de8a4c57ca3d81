public import Chronicle

/// Runs the checkout saga: a consumer group over `orders`, `payments`,
/// `inventory` and `checkout_timeouts` that feeds each message to the order's
/// `Checkout` and publishes the commands its new events call for, in the same
/// append (the outbox). Replies of one order arrive on several topics, hence
/// possibly at once: the saga's stream version serialises them (a conflict
/// runs the decision again on the fresh state).
public struct CheckoutService: Sendable {
    public static let groupName = "checkout"
    public let checkouts: AggregateRepository<Checkout>
    public let paymentDeadline: Duration
    let registry: EventTypeRegistry

    /// The message types the saga reacts to (its group reads only these).
    public static let interesting: Set<String> = [
        OrderPlaced.eventType, PaymentAuthorized.eventType, PaymentFailed.eventType, PaymentCaptured.eventType,
        StockReserved.eventType, StockReservationRejected.eventType, PaymentDeadlinePassed.eventType,
    ]

    /// - Parameter cacheCapacity: Sagas kept in memory (see ``ServiceSettings/cacheCapacity``).
    public init(
        store: some EventStore, registry: EventTypeRegistry, paymentDeadline: Duration, cacheCapacity: Int = 0
    ) throws {
        self.registry = registry
        self.paymentDeadline = paymentDeadline
        var options = AggregateRepository<Checkout>.Options()
        options.maximumRetries = 20
        options.retryDelay = .milliseconds(1)
        options.cacheCapacity = cacheCapacity
        checkouts = try AggregateRepository<Checkout>(store: store, registry: registry, options: options)
    }

    /// Handles one message.
    public func handle(_ message: ReceivedMessage) async throws {
        guard Self.interesting.contains(message.type) else { return }
        let event = try registry.decode(message.record)
        let registry = registry
        let deadline = paymentDeadline
        try await checkouts.executeOrCreate(
            message.stream.id, context: CommandContext(causedBy: message.record), { try $0.handle(event) }
        ) { events, checkout in
            try checkout.commands(for: events, registry: registry, paymentDeadline: deadline)
        }
    }

    /// The saga's consumer group: of its topics, only the types it reacts to.
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        var group = try settings.group(
            groupName,
            topics: [ShopTopics.orders, ShopTopics.payments, ShopTopics.inventory, ShopTopics.checkoutTimeouts])
        group.messageTypes = interesting
        return group
    }
}
