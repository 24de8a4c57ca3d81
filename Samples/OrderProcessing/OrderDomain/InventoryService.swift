public import Chronicle

/// The inventory service: owns `StockItem` (stream `stock-<sku>`), publishes
/// its events to `inventory` keyed by the order, and takes `ReserveStock`,
/// `ReleaseStock` and `CommitStock` from `inventory_commands`.
public struct InventoryService: Sendable {
    public static let groupName = "inventory"
    public let stock: AggregateRepository<StockItem>
    let registry: EventTypeRegistry

    public init(store: some EventStore, registry: EventTypeRegistry) throws {
        self.registry = registry
        var options = AggregateRepository<StockItem>.Options()
        // Every order touches the same few products: conflicts are common, retry them.
        options.maximumRetries = 100
        options.retryDelay = .milliseconds(1)
        options.maximumRetryDelay = .milliseconds(50)
        // A product's stream grows with every order: without the cache each command
        // would replay it whole (quadratic over a run). A conflict refreshes the entry.
        options.cacheCapacity = 1_024
        stock = try AggregateRepository<StockItem>(store: store, registry: registry, options: options)
    }

    /// Adds units to a product's stock.
    public func receive(sku: String, quantity: Int, context: CommandContext = CommandContext()) async throws {
        try await stock.loadOrInitialExecute(sku, context: context, { try $0.receive(quantity) }, publishing: { _, _ in [] })
    }

    /// Handles one message of `inventory_commands`.
    public func handle(_ message: ReceivedMessage) async throws {
        let orderId = message.stream.id
        let context = CommandContext(causedBy: message.record)
        let publish: AggregateRepository<StockItem>.Publishing = { events, _ in
            events.published(to: ShopTopics.inventory, key: orderId)
        }
        switch try registry.decode(message.record) {
        case let reserve as ReserveStock:
            // One reservation per product (lines of one product add up), in a fixed order.
            let quantities = reserve.lines.reduce(into: [String: Int]()) { $0[$1.sku, default: 0] += $1.quantity }
            for sku in quantities.keys.sorted() {
                let item = try await stock.loadOrInitialExecute(
                    sku, context: context, { try $0.reserveOrReject(quantities[sku]!, for: orderId) }, publishing: publish
                ).state
                // Rejected (now or before a redelivery): the saga cancels; reserve nothing more.
                if item.reservations[orderId] == nil { break }
            }
        case let release as ReleaseStock:
            for sku in release.skus where try await stock.loadOrInitial(sku).version > 0 {
                try await stock.execute(sku, context: context, { try $0.release(for: orderId) }, publishing: publish)
            }
        case let commit as CommitStock:
            for sku in commit.skus where try await stock.loadOrInitial(sku).version > 0 {
                try await stock.execute(sku, context: context, { try $0.commit(for: orderId) }, publishing: publish)
            }
        default:
            break
        }
    }

    /// The service's consumer group. A member handles one message at a time:
    /// every order touches the same few products, so handlers running at once
    /// would mostly collide on their streams (and a collision reads the
    /// product's whole stream again).
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        var group = try settings.group(groupName, topics: [ShopTopics.inventoryCommands])
        group.concurrency = 1...1
        return group
    }
}
