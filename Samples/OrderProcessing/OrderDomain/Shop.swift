public import Chronicle
public import ChronicleSQLite
public import Foundation

/// The order-processing services over one SQLite store: orders, stock and the
/// read models that follow them.
///
/// Placing an order appends `OrderPlaced`, then reserves stock line by line; a
/// line that cannot be reserved releases what was reserved and cancels the order.
public struct Shop: Sendable {
    public let store: SQLiteEventStore
    public let registry: EventTypeRegistry
    public let orders: AggregateRepository<Order>
    public let stock: AggregateRepository<StockItem>

    /// Opens (or creates) the shop's store.
    public static func open(path: String) async throws -> Shop {
        let store = try await SQLiteEventStore(path: path)
        return try Shop(store: store)
    }

    public init(store: SQLiteEventStore) throws {
        var registry = EventTypeRegistry()
        for type: any DomainEvent.Type in [
            OrderPlaced.self, ItemAdded.self, OrderPaid.self, OrderConfirmed.self, OrderCancelled.self,
            OrderShipped.self, StockReceived.self, StockReserved.self, StockReleased.self,
        ] {
            try registry.register(type)
        }
        self.store = store
        self.registry = registry
        var options = AggregateRepository<Order>.Options()
        options.maximumRetries = 5
        orders = try AggregateRepository<Order>(store: store, registry: registry, options: options)
        var stockOptions = AggregateRepository<StockItem>.Options()
        // Every order touches the same few products: conflicts are common, retry them
        // (20 retries ran out for one of 40 concurrent orders of one product on a loaded machine).
        stockOptions.maximumRetries = 100
        stock = try AggregateRepository<StockItem>(store: store, registry: registry, options: stockOptions)
    }

    /// The read models, each applied exactly once in the store's database.
    public var projections: [any RunnableProjection] {
        [
            store.exactlyOnce(OrderSummaryProjection(registry: registry)),
            store.exactlyOnce(SalesByProductProjection(registry: registry)),
        ]
    }

    /// A runner for the read models.
    public func projectionRunner() throws -> ProjectionRunner {
        try ProjectionRunner(store: store, projections: projections, batchSize: 1_000)
    }

    /// Adds units to a product's stock.
    public func receiveStock(sku: String, quantity: Int, context: CommandContext = CommandContext()) async throws {
        try await stock.executeOrCreate(sku, context: context) { item in try item.receive(quantity) }
    }

    /// Places an order and reserves its stock; returns the order id and whether it
    /// was accepted (a line out of stock cancels it).
    public func placeOrder(
        id: String = UUID().uuidString.lowercased(), customer: String, items: [(sku: String, quantity: Int)],
        context: CommandContext = CommandContext()
    ) async throws -> (orderId: String, accepted: Bool) {
        let lines = try items.map { item -> OrderLine in
            guard let product = Catalog.product(item.sku) else { throw ShopError.unknownProduct(item.sku) }
            return OrderLine(sku: product.sku, quantity: item.quantity, unitPriceCents: product.priceCents)
        }
        try await orders.create(id, context: context) { order in try order.place(customer: customer, lines: lines) }
        var reserved: [String] = []
        for line in lines {
            do {
                // A product never stocked has no stream yet: its initial state refuses the reservation.
                try await stock.executeOrCreate(line.sku, context: context) { item in
                    try item.reserve(line.quantity, for: id)
                }
                reserved.append(line.sku)
            } catch let error as StockError {
                for sku in reserved {
                    try await stock.execute(sku, context: context) { item in try item.release(for: id) }
                }
                try await orders.execute(id, context: context) { order in try order.cancel(reason: "\(error)") }
                return (id, false)
            }
        }
        return (id, true)
    }

    /// Pays an order in full.
    public func pay(_ orderId: String, context: CommandContext = CommandContext()) async throws {
        try await orders.execute(orderId, context: context) { order in try order.pay(amountCents: order.totalCents) }
    }

    /// Confirms a paid order.
    public func confirm(_ orderId: String, context: CommandContext = CommandContext()) async throws {
        try await orders.execute(orderId, context: context) { order in try order.confirm() }
    }

    /// Ships a confirmed order.
    public func ship(_ orderId: String, context: CommandContext = CommandContext()) async throws {
        try await orders.execute(orderId, context: context) { order in try order.ship() }
    }

    /// Cancels an order and gives its stock back.
    public func cancel(_ orderId: String, reason: String, context: CommandContext = CommandContext()) async throws {
        let order = try await orders.execute(orderId, context: context) { order in try order.cancel(reason: reason) }
        for sku in Set(order.state.lines.map(\.sku)) {
            try await stock.execute(sku, context: context) { item in try item.release(for: orderId) }
        }
    }
}

/// Errors of the shop's own checks.
public enum ShopError: Error, Equatable, CustomStringConvertible {
    case unknownProduct(String)

    public var description: String {
        switch self {
        case .unknownProduct(let sku):
            return "unknown product '\(sku)' (known: \(Catalog.products.map(\.sku).joined(separator: ", ")))"
        }
    }
}
