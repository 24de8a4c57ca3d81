public import Chronicle
public import ChronicleSQLite
internal import Foundation
internal import GRDB
public import Logging

/// The shop's read models, mailer table and queries in a SQLite store's file
/// (see ``ShopStorage``).
///
/// ```swift
/// let storage = SQLiteShopStorage(try await SQLiteEventStore(path: "shop.sqlite"))
/// let shop = try ShopServices(storage: storage, gateway: FlakyPaymentGateway(failureRate: 0.2))
/// ```
public struct SQLiteShopStorage: ShopStorage {
    /// The SQLite store.
    public let sqlite: SQLiteEventStore

    /// - Parameter store: The store whose file holds the tables.
    public init(_ store: SQLiteEventStore) {
        sqlite = store
    }

    public var store: any EventStore { sqlite }

    public func bus(logger: Logger) -> EventBus { sqlite.bus(logger: logger) }

    public func projections(registry: EventTypeRegistry) -> [any RunnableProjection] {
        [
            sqlite.exactlyOnce(OrderSummaryProjection(registry: registry)),
            sqlite.exactlyOnce(SalesByProductProjection(registry: registry)),
            sqlite.exactlyOnce(StockLevelsProjection(registry: registry)),
        ]
    }

    public func mailer(registry: EventTypeRegistry) -> any TransactionalMessageHandler {
        sqlite.inbox(prepare: { db in try Self.createSentNotifications(db) }) { message, db in
            guard let notified = try registry.decode(message.record) as? CustomerNotified else { return }
            // A primary key: a second send of one order's notification would fail loudly.
            try db.execute(
                sql: """
                    INSERT INTO sent_notifications (order_id, customer, kind, text, reason, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    notified.orderId, notified.customer, notified.kind.rawValue, notified.text, notified.reason,
                    message.record.recordedAt.formatted(.iso8601),
                ])
        }
    }

    /// Creates `sent_notifications` if it is missing.
    static func createSentNotifications(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS sent_notifications (
                    order_id TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL, kind TEXT NOT NULL,
                    text TEXT NOT NULL, reason TEXT, sent_at TEXT NOT NULL
                )
                """)
    }

    static let summaryColumns = "order_id, customer, status, total_cents, item_count, placed_at, updated_at"

    static func summary(_ row: Row) -> OrderSummaryQuery.Row {
        OrderSummaryQuery.Row(
            orderId: row[0], customer: row[1], status: row[2], totalCents: row[3], itemCount: row[4], placedAt: row[5],
            updatedAt: row[6])
    }

    public func orders(status: String?, limit: Int) async throws -> [OrderSummaryQuery.Row] {
        try await sqlite.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.summaryColumns) FROM order_summary
                    WHERE (?1 IS NULL OR status = ?1) ORDER BY placed_at, order_id LIMIT ?2
                    """, arguments: [status, limit]
            ).map(Self.summary)
        }
    }

    public func order(_ orderId: String) async throws -> OrderSummaryQuery.Row? {
        try await sqlite.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.summaryColumns) FROM order_summary WHERE order_id = ?", arguments: [orderId]
            ).map(Self.summary)
        }
    }

    public func totalsByStatus() async throws -> [OrderSummaryQuery.StatusTotal] {
        try await sqlite.read { db in
            try Row.fetchAll(
                db, sql: "SELECT status, count(*), sum(total_cents) FROM order_summary GROUP BY status ORDER BY status"
            ).map { OrderSummaryQuery.StatusTotal(status: $0[0], orders: $0[1], totalCents: $0[2]) }
        }
    }

    public func salesByProduct() async throws -> [OrderSummaryQuery.ProductSales] {
        try await sqlite.read { db in
            try Row.fetchAll(
                db, sql: "SELECT sku, units_sold, revenue_cents, orders FROM sales_by_product ORDER BY revenue_cents DESC, sku"
            ).map { OrderSummaryQuery.ProductSales(sku: $0[0], unitsSold: $0[1], revenueCents: $0[2], orders: $0[3]) }
        }
    }

    public func stockLevels() async throws -> [OrderSummaryQuery.StockLevel] {
        try await sqlite.read { db in
            try Row.fetchAll(db, sql: "SELECT sku, on_hand, reserved FROM stock_levels ORDER BY sku").map {
                OrderSummaryQuery.StockLevel(sku: $0[0], onHand: $0[1], reserved: $0[2])
            }
        }
    }

    public func orderCounts(orderIdPrefix: String) async throws -> [String: Int] {
        try await sqlite.read { db in
            guard try db.tableExists("order_summary") else { return [:] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT status, count(*) FROM order_summary
                    WHERE substr(order_id, 1, length(?1)) = ?1 GROUP BY status
                    """, arguments: [orderIdPrefix]
            ).reduce(into: [:]) { counts, row in counts[row[0] as String] = row[1] }
        }
    }

    public func sentNotifications(orderIdPrefix: String) async throws -> [SentNotification] {
        try await sqlite.read { db in
            guard try db.tableExists("sent_notifications") else { return [] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT order_id, customer, kind, text, reason, sent_at FROM sent_notifications
                    WHERE substr(order_id, 1, length(?1)) = ?1 ORDER BY order_id
                    """, arguments: [orderIdPrefix]
            ).map { row in
                SentNotification(
                    orderId: row[0], customer: row[1], kind: try SentNotification.kind(row[2]), text: row[3],
                    reason: row[4], sentAt: row[5])
            }
        }
    }

    public func sentNotificationCount(orderIdPrefix: String) async throws -> Int {
        try await sqlite.read { db in
            guard try db.tableExists("sent_notifications") else { return 0 }
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM sent_notifications WHERE substr(order_id, 1, length(?1)) = ?1",
                arguments: [orderIdPrefix]) ?? 0
        }
    }
}
