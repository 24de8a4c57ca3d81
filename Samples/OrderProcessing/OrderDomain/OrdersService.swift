public import Chronicle
public import Foundation

/// The orders service: owns `Order` (stream `order-<orderId>`), publishes its
/// events to `orders`, and takes the saga's `ConfirmOrder` and `CancelOrder`
/// from `order_commands`.
public struct OrdersService: Sendable {
    public static let groupName = "orders"
    public let orders: AggregateRepository<Order>
    let registry: EventTypeRegistry

    /// - Parameter cacheCapacity: Orders kept in memory (see ``ServiceSettings/cacheCapacity``).
    public init(store: some EventStore, registry: EventTypeRegistry, cacheCapacity: Int = 0) throws {
        self.registry = registry
        orders = try AggregateRepository<Order>(
            store: store, registry: registry, options: .init(cacheCapacity: cacheCapacity))
    }

    /// Places an order: `OrderPlaced`, published with it; the saga takes it from there.
    ///
    /// - Returns: The order id.
    /// - Throws: ``ShopError/unknownProduct(_:)``, ``OrderError`` for no lines or a bad quantity.
    @discardableResult
    public func place(
        id: String = UUID().uuidString.lowercased(), customer: String, items: [(sku: String, quantity: Int)],
        context: CommandContext = CommandContext()
    ) async throws -> String {
        let lines = try items.map { item -> OrderLine in
            guard let product = Catalog.product(item.sku) else { throw ShopError.unknownProduct(item.sku) }
            return OrderLine(sku: product.sku, quantity: item.quantity, unitPriceCents: product.priceCents)
        }
        try await orders.create(id, context: context) { order in
            try order.place(customer: customer, lines: lines)
        } publishing: { events, _ in events.published(to: ShopTopics.orders, key: id) }
        return id
    }

    /// Handles one message of `order_commands`.
    public func handle(_ message: ReceivedMessage) async throws {
        let orderId = message.stream.id
        let context = CommandContext(causedBy: message.record)
        let publish: AggregateRepository<Order>.Publishing = { events, _ in
            events.published(to: ShopTopics.orders, key: orderId)
        }
        switch try registry.decode(message.record) {
        case let confirm as ConfirmOrder:
            try await orders.execute(orderId, context: context, { try $0.confirmPaid(amountCents: confirm.amountCents) }, publishing: publish)
        case let cancel as CancelOrder:
            try await orders.execute(orderId, context: context, { try $0.cancelIfOpen(reason: cancel.reason) }, publishing: publish)
        default:
            break
        }
    }

    /// The service's consumer group.
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        try settings.group(groupName, topics: [ShopTopics.orderCommands])
    }
}
