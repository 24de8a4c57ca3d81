public import Chronicle
public import ChroniclePostgres
public import Logging
internal import PostgresNIO

/// The shop's read models, mailer table and queries in a PostgreSQL store's
/// database (see ``ShopStorage``): the same tables and columns as on SQLite,
/// with PostgreSQL's SQL.
///
/// ```swift
/// let storage = PostgresShopStorage(try await PostgresEventStore(url: "postgres://shop:secret@db/shop"))
/// let shop = try ShopServices(storage: storage, gateway: FlakyPaymentGateway(failureRate: 0.2))
/// ```
public struct PostgresShopStorage: ShopStorage {
    /// The PostgreSQL store.
    public let postgres: PostgresEventStore
    static let logger = Logger(label: "order-processing.storage")

    /// - Parameter store: The store whose database holds the tables.
    public init(_ store: PostgresEventStore) {
        postgres = store
    }

    public var store: any EventStore { postgres }

    public func bus(logger: Logger) -> EventBus { postgres.bus(logger: logger) }

    public func projections(registry: EventTypeRegistry) -> [any RunnableProjection] {
        [
            postgres.exactlyOnce(PostgresOrderSummaryProjection(registry: registry)),
            postgres.exactlyOnce(PostgresSalesByProductProjection(registry: registry)),
            postgres.exactlyOnce(PostgresStockLevelsProjection(registry: registry)),
        ]
    }

    public func mailer(registry: EventTypeRegistry) -> any TransactionalMessageHandler {
        PostgresMailer(store: postgres, registry: registry)
    }

    /// Runs a query and makes a value of each row.
    func rows<T: Sendable>(_ query: PostgresQuery, _ make: (PostgresRow) throws -> T) async throws -> [T] {
        try await postgres.read { connection in
            var values: [T] = []
            for try await row in try await connection.query(query, logger: Self.logger) {
                values.append(try make(row))
            }
            return values
        }
    }

    /// Whether the tables exist (a projection or the mailer creates them on its first run).
    func tablesExist(_ names: String...) async throws -> Bool {
        let found = try await rows(
            "SELECT count(*) FROM unnest(\(names)::text[]) AS name WHERE to_regclass(name) IS NOT NULL"
        ) { try $0.decode(Int.self) }
        return found.first == names.count
    }

    static func summary(_ row: PostgresRow) throws -> OrderSummaryQuery.Row {
        let (orderId, customer, status, totalCents, itemCount, placedAt, updatedAt) = try row.decode(
            (String, String, String, Int, Int, String, String).self)
        return OrderSummaryQuery.Row(
            orderId: orderId, customer: customer, status: status, totalCents: totalCents, itemCount: itemCount,
            placedAt: placedAt, updatedAt: updatedAt)
    }

    public func orders(status: String?, limit: Int) async throws -> [OrderSummaryQuery.Row] {
        try await rows(
            """
            SELECT order_id, customer, status, total_cents, item_count, placed_at, updated_at FROM order_summary
            WHERE (\(status)::text IS NULL OR status = \(status)) ORDER BY placed_at, order_id LIMIT \(limit)
            """, Self.summary)
    }

    public func order(_ orderId: String) async throws -> OrderSummaryQuery.Row? {
        try await rows(
            """
            SELECT order_id, customer, status, total_cents, item_count, placed_at, updated_at FROM order_summary
            WHERE order_id = \(orderId)
            """, Self.summary
        ).first
    }

    public func totalsByStatus() async throws -> [OrderSummaryQuery.StatusTotal] {
        try await rows(
            "SELECT status, count(*), sum(total_cents)::bigint FROM order_summary GROUP BY status ORDER BY status"
        ) { row in
            let (status, orders, totalCents) = try row.decode((String, Int, Int).self)
            return OrderSummaryQuery.StatusTotal(status: status, orders: orders, totalCents: totalCents)
        }
    }

    public func salesByProduct() async throws -> [OrderSummaryQuery.ProductSales] {
        try await rows(
            "SELECT sku, units_sold, revenue_cents, orders FROM sales_by_product ORDER BY revenue_cents DESC, sku"
        ) { row in
            let (sku, unitsSold, revenueCents, orders) = try row.decode((String, Int, Int, Int).self)
            return OrderSummaryQuery.ProductSales(sku: sku, unitsSold: unitsSold, revenueCents: revenueCents, orders: orders)
        }
    }

    public func stockLevels() async throws -> [OrderSummaryQuery.StockLevel] {
        try await rows("SELECT sku, on_hand, reserved FROM stock_levels ORDER BY sku") { row in
            let (sku, onHand, reserved) = try row.decode((String, Int, Int).self)
            return OrderSummaryQuery.StockLevel(sku: sku, onHand: onHand, reserved: reserved)
        }
    }

    public func orderCounts(orderIdPrefix: String) async throws -> [String: Int] {
        guard try await tablesExist("order_summary") else { return [:] }
        return try await rows(
            """
            SELECT status, count(*) FROM order_summary
            WHERE substr(order_id, 1, length(\(orderIdPrefix))) = \(orderIdPrefix) GROUP BY status
            """
        ) { row -> (status: String, count: Int) in
            let (status, count) = try row.decode((String, Int).self)
            return (status, count)
        }.reduce(into: [:]) { counts, row in counts[row.status] = row.count }
    }

    public func sentNotifications(orderIdPrefix: String) async throws -> [SentNotification] {
        guard try await tablesExist("sent_notifications") else { return [] }
        return try await rows(
            """
            SELECT order_id, customer, kind, text, reason, sent_at FROM sent_notifications
            WHERE substr(order_id, 1, length(\(orderIdPrefix))) = \(orderIdPrefix) ORDER BY order_id
            """
        ) { row in
            let (orderId, customer, kind, text, reason, sentAt) = try row.decode(
                (String, String, String, String, String?, String).self)
            return SentNotification(
                orderId: orderId, customer: customer, kind: try SentNotification.kind(kind), text: text, reason: reason,
                sentAt: sentAt)
        }
    }

    public func sentNotificationCount(orderIdPrefix: String) async throws -> Int {
        guard try await tablesExist("sent_notifications") else { return 0 }
        return try await rows(
            "SELECT count(*) FROM sent_notifications WHERE substr(order_id, 1, length(\(orderIdPrefix))) = \(orderIdPrefix)"
        ) { try $0.decode(Int.self) }.first ?? 0
    }
}
