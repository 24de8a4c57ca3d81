public import Chronicle
public import Logging

/// Where the shop keeps what lives beside its events, in the store's own
/// database: the read models (exactly-once projections), the mailer's
/// `sent_notifications` table (written through the bus inbox), and the
/// queries that read them back.
///
/// The services, the saga and the aggregates only need `some EventStore`; this
/// is the part whose SQL differs per backend. ``SQLiteShopStorage`` and
/// ``PostgresShopStorage`` keep the same tables and columns (`order_summary`,
/// `sales_by_product`, `sales_order_lines`, `sales_paid_orders`,
/// `stock_levels`, `sent_notifications`); ``ShopServices/storage(for:)``
/// picks one for a store.
///
/// ```swift
/// let storage = try ShopServices.storage(for: store)
/// let runner = try ProjectionRunner(store: storage.store, projections: storage.projections(registry: registry))
/// try await runner.catchUp()
/// let confirmed = try await storage.orders(status: "confirmed", limit: 10)
/// ```
public protocol ShopStorage: Sendable {
    /// The event store whose database holds the tables.
    var store: any EventStore { get }

    /// The domain event bus over the store.
    ///
    /// - Parameter logger: The bus's logger.
    func bus(logger: Logger) -> EventBus

    /// The read models (order summary, sales by product, stock levels), each
    /// applied exactly once in the store's database.
    ///
    /// - Parameter registry: The shop's event types (``ShopRegistry/make()``).
    func projections(registry: EventTypeRegistry) -> [any RunnableProjection]

    /// The mailer: writes each `CustomerNotified` to `sent_notifications`, in
    /// the transaction of its inbox entry (exactly once), creating the table
    /// with its first message.
    ///
    /// - Parameter registry: The shop's event types.
    func mailer(registry: EventTypeRegistry) -> any TransactionalMessageHandler

    /// Orders of the order summary, oldest first.
    ///
    /// - Parameters:
    ///   - status: Only orders with this status; `nil` for all.
    ///   - limit: The most rows.
    /// - Throws: `EventStoreError` on a storage failure (the table exists once the projection has run).
    func orders(status: String?, limit: Int) async throws -> [OrderSummaryQuery.Row]

    /// One order's summary, or `nil` when the read model has no such order.
    func order(_ orderId: String) async throws -> OrderSummaryQuery.Row?

    /// Orders and their value per status.
    func totalsByStatus() async throws -> [OrderSummaryQuery.StatusTotal]

    /// Units, orders and revenue per product, best-selling first.
    func salesByProduct() async throws -> [OrderSummaryQuery.ProductSales]

    /// Units on hand and reserved per product.
    func stockLevels() async throws -> [OrderSummaryQuery.StockLevel]

    /// Orders of the order summary whose id starts with `orderIdPrefix`, per
    /// status; empty while the table does not exist.
    func orderCounts(orderIdPrefix: String) async throws -> [String: Int]

    /// The notifications the mailer sent for orders whose id starts with
    /// `orderIdPrefix` (all of them for `""`); empty while the table does not exist.
    func sentNotifications(orderIdPrefix: String) async throws -> [SentNotification]

    /// How many notifications the mailer sent for orders whose id starts with
    /// `orderIdPrefix`; 0 while the table does not exist.
    func sentNotificationCount(orderIdPrefix: String) async throws -> Int
}

/// A row of `sent_notifications`: what the mailer sent.
public struct SentNotification: Sendable, Hashable {
    public let orderId: String
    public let customer: String
    public let kind: CustomerNotified.Kind
    public let text: String
    public let reason: String?
    /// When the notification was recorded, ISO 8601.
    public let sentAt: String

    public init(
        orderId: String, customer: String, kind: CustomerNotified.Kind, text: String, reason: String?, sentAt: String
    ) {
        self.orderId = orderId
        self.customer = customer
        self.kind = kind
        self.text = text
        self.reason = reason
        self.sentAt = sentAt
    }

    /// The kind stored in `sent_notifications.kind`.
    ///
    /// - Throws: `EventStoreError` (`corruptRecord`) for a kind the shop does not send.
    static func kind(_ stored: String) throws -> CustomerNotified.Kind {
        guard let kind = CustomerNotified.Kind(rawValue: stored) else {
            throw EventStoreError(code: .corruptRecord, message: "sent_notifications holds an unknown kind '\(stored)'")
        }
        return kind
    }
}
