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
        // Commands on one product queue in this process instead of colliding: each
        // runs once on the cached state the previous one left.
        options.queuesCommands = true
        stock = try AggregateRepository<StockItem>(store: store, registry: registry, options: options)
    }

    /// Adds units to a product's stock.
    public func receive(sku: String, quantity: Int, context: CommandContext = CommandContext()) async throws {
        try await stock.executeOrCreate(sku, context: context) { try $0.receive(quantity) }
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
                let item = try await stock.executeOrCreate(
                    sku, context: context, { try $0.reserveOrReject(quantities[sku]!, for: orderId) }, publishing: publish
                ).state
                // Rejected (now or before a redelivery): the saga cancels; reserve nothing more.
                if item.reservations[orderId] == nil { break }
            }
        case let release as ReleaseStock:
            for sku in release.skus {
                try await onStocked(sku, context: context, { try $0.release(for: orderId) }, publishing: publish)
            }
        case let commit as CommitStock:
            for sku in commit.skus {
                try await onStocked(sku, context: context, { try $0.commit(for: orderId) }, publishing: publish)
            }
        default:
            break
        }
    }

    /// Runs a command on a product that has stock; one never stocked has nothing to release or commit.
    private func onStocked(
        _ sku: String, context: CommandContext, _ command: (StockItem) throws -> [any DomainEvent],
        publishing: AggregateRepository<StockItem>.Publishing
    ) async throws {
        do {
            try await stock.execute(sku, context: context, { try command($0) }, publishing: publishing)
        } catch AggregateError.notFound {
            // Never stocked: nothing was reserved.
        }
    }

    /// The service's consumer group. Its handlers run at once (the settings'
    /// concurrency); every order touches the same few products, so commands on
    /// one product take turns in this process (`queuesCommands`) instead of
    /// colliding. Members in other processes still collide now and then; a
    /// collision reads the product's events after the cached version.
    public static func group(_ settings: ServiceSettings) throws -> ConsumerGroup {
        try settings.group(groupName, topics: [ShopTopics.inventoryCommands])
    }
}
