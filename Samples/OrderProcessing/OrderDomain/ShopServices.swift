public import Chronicle
internal import ChroniclePostgres
internal import ChronicleSQLite
internal import Foundation
public import Logging

/// The order-processing system on one store: the four services, the saga and
/// the read models, each runnable alone (one process per service) or all
/// together (the demo).
///
/// The services and the saga work on any `EventStore`; the read models and the
/// mailer's table live in the store's own database, through the
/// ``ShopStorage`` of its backend (SQLite or PostgreSQL).
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "shop.sqlite")   // or PostgresEventStore(url: "postgres://…")
/// let shop = try ShopServices(store: store, gateway: FlakyPaymentGateway(failureRate: 0.2))
/// try await shop.seed(forOrders: 100)
/// let consumers = try ShopServices.Service.allCases.flatMap { try shop.consumers(for: $0) }
/// ```
public struct ShopServices: Sendable {
    /// A service that `order-processing serve --service` runs.
    public enum Service: String, CaseIterable, Sendable {
        case orders, payments, inventory, notifications, saga, projections
    }

    /// The read models, the mailer's table and their queries, in the store's database.
    public let storage: any ShopStorage
    public let registry: EventTypeRegistry
    public let bus: EventBus
    public let settings: ServiceSettings
    public let ordering: OrdersService
    public let payments: PaymentsService
    public let inventory: InventoryService
    public let notifications: NotificationsService
    public let checkout: CheckoutService

    /// The shared store.
    public var store: any EventStore { storage.store }

    /// The services on a SQLite or PostgreSQL store (see ``storage(for:)``).
    ///
    /// - Parameters:
    ///   - store: The shared store.
    ///   - gateway: The payment gateway the payments service calls.
    ///   - settings: The groups' settings and the payment deadline.
    ///   - logger: The bus's logger.
    /// - Throws: `EventStoreError` (`invalidArgument`) for a store of another
    ///   backend; the registry's errors.
    public init(
        store: some EventStore, gateway: any PaymentGateway, settings: ServiceSettings = ServiceSettings(),
        logger: Logger = Logger(label: "order-processing")
    ) throws {
        try self.init(storage: Self.storage(for: store), gateway: gateway, settings: settings, logger: logger)
    }

    /// The services on a storage of your choosing.
    ///
    /// - Parameters:
    ///   - storage: The store and the shop's tables in its database.
    ///   - gateway: The payment gateway the payments service calls.
    ///   - settings: The groups' settings and the payment deadline.
    ///   - logger: The bus's logger.
    /// - Throws: The registry's errors.
    public init(
        storage: any ShopStorage, gateway: any PaymentGateway, settings: ServiceSettings = ServiceSettings(),
        logger: Logger = Logger(label: "order-processing")
    ) throws {
        let registry = try ShopRegistry.make()
        let store = storage.store
        self.storage = storage
        self.registry = registry
        self.settings = settings
        bus = storage.bus(logger: logger)
        ordering = try OrdersService(store: store, registry: registry, cacheCapacity: settings.cacheCapacity)
        payments = try PaymentsService(
            store: store, registry: registry, gateway: gateway, cacheCapacity: settings.cacheCapacity)
        inventory = try InventoryService(store: store, registry: registry)
        notifications = try NotificationsService(store: store, registry: registry)
        checkout = try CheckoutService(
            store: store, registry: registry, paymentDeadline: settings.paymentDeadline,
            cacheCapacity: settings.cacheCapacity)
    }

    /// The shop's storage for a store: its tables in the store's own database.
    ///
    /// ```swift
    /// let storage = try ShopServices.storage(for: try await PostgresEventStore(url: url))
    /// ```
    ///
    /// - Parameter store: A `SQLiteEventStore` or a `PostgresEventStore`.
    /// - Returns: ``SQLiteShopStorage`` or ``PostgresShopStorage``.
    /// - Throws: `EventStoreError` (`invalidArgument`) for a store of another backend.
    public static func storage(for store: any EventStore) throws -> any ShopStorage {
        if let sqlite = store as? SQLiteEventStore { return SQLiteShopStorage(sqlite) }
        if let postgres = store as? PostgresEventStore { return PostgresShopStorage(postgres) }
        throw EventStoreError.invalidArgument(
            "the order-processing sample keeps its read models in SQLite or PostgreSQL, not in a \(type(of: store))")
    }

    /// The read models, each applied exactly once in the store's database.
    public static func projections(store: some EventStore, registry: EventTypeRegistry) throws -> [any RunnableProjection] {
        try storage(for: store).projections(registry: registry)
    }

    /// A runner for the read models (its lease keeps one process at a time on each).
    public func projectionRunner(leaseDuration: Duration? = nil) throws -> ProjectionRunner {
        try ProjectionRunner(
            store: store, projections: storage.projections(registry: registry), batchSize: 1_000,
            leaseSettings: LeaseSettings(duration: leaseDuration ?? settings.leaseDuration))
    }

    /// The consumer group names of every service, for status reports.
    public static let groupNames = [
        OrdersService.groupName, PaymentsService.groupName, InventoryService.groupName,
        NotificationsService.groupName, NotificationsService.mailerGroupName, CheckoutService.groupName,
    ]

    /// The bus members a service runs (none for `projections`, which runs ``projectionRunner(leaseDuration:)``).
    public func consumers(for service: Service) throws -> [BusConsumer] {
        switch service {
        case .orders:
            let ordering = ordering
            return [bus.consumer(try OrdersService.group(settings)) { try await ordering.handle($0) }]
        case .payments:
            let payments = payments
            return [bus.consumer(try PaymentsService.group(settings)) { try await payments.handle($0) }]
        case .inventory:
            let inventory = inventory
            return [bus.consumer(try InventoryService.group(settings)) { try await inventory.handle($0) }]
        case .notifications:
            let notifications = notifications
            let mailer = storage.mailer(registry: registry)
            return [
                bus.consumer(try NotificationsService.group(settings)) { try await notifications.handle($0) },
                bus.consumer(try NotificationsService.mailerGroup(settings), inbox: mailer),
            ]
        case .saga:
            let checkout = checkout
            return [bus.consumer(try CheckoutService.group(settings)) { try await checkout.handle($0) }]
        case .projections:
            return []
        }
    }

    /// Puts the demo catalog's stock in, sized for about `orders` orders (the
    /// gift box scarce, so some orders run out of it). Idempotent: a product
    /// already stocked gets nothing more.
    ///
    /// - Returns: The products stocked now.
    @discardableResult
    public func seed(forOrders orders: Int) async throws -> [String] {
        var stocked: [String] = []
        for product in Catalog.products {
            let quantity = Catalog.demoStock(product.sku, forOrders: orders)
            do {
                try await inventory.stock.create(product.sku, context: CommandContext(correlationId: "seed")) { item in
                    try item.receive(quantity)
                }
                stocked.append(product.sku)
            } catch AggregateError.alreadyExists {
                // Seeded before.
            }
        }
        return stocked
    }
}

extension Catalog {
    /// The demo's stock of a product for about `orders` orders: plenty of
    /// everything but the gift box.
    public static func demoStock(_ sku: String, forOrders orders: Int) -> Int {
        sku == "GIFT-BOX" ? max(2, orders / 10) : max(10, orders * 2 / 3)
    }
}
