public import ChronicleSQLite
internal import Chronicle
internal import GRDB

/// Reads the order-summary and sales read models.
public struct OrderSummaryQuery: Sendable {
    public struct Row: Sendable, Hashable {
        public let orderId: String
        public let customer: String
        public let status: String
        public let totalCents: Int
        public let itemCount: Int
        public let placedAt: String
        public let updatedAt: String

        public var json: [String: any Sendable] {
            [
                "orderId": orderId, "customer": customer, "status": status, "totalCents": totalCents,
                "itemCount": itemCount, "placedAt": placedAt, "updatedAt": updatedAt,
            ]
        }
    }

    public struct StatusTotal: Sendable, Hashable {
        public let status: String
        public let orders: Int
        public let totalCents: Int
    }

    public struct ProductSales: Sendable, Hashable {
        public let sku: String
        public let unitsSold: Int
        public let revenueCents: Int
        public let orders: Int
    }

    let store: SQLiteEventStore

    public init(store: SQLiteEventStore) { self.store = store }

    public func orders(status: String?, limit: Int) async throws -> [Row] {
        try await store.read { db in
            try GRDB.Row.fetchAll(
                db,
                sql: """
                    SELECT order_id, customer, status, total_cents, item_count, placed_at, updated_at FROM order_summary
                    WHERE (?1 IS NULL OR status = ?1) ORDER BY placed_at, order_id LIMIT ?2
                    """, arguments: [status, limit]
            ).map { row in
                Row(
                    orderId: row[0], customer: row[1], status: row[2], totalCents: row[3], itemCount: row[4],
                    placedAt: row[5], updatedAt: row[6])
            }
        }
    }

    /// One order's summary, or `nil` when the read model has no such order.
    public func order(_ orderId: String) async throws -> Row? {
        try await store.read { db in
            try GRDB.Row.fetchOne(
                db,
                sql: """
                    SELECT order_id, customer, status, total_cents, item_count, placed_at, updated_at FROM order_summary
                    WHERE order_id = ?
                    """, arguments: [orderId]
            ).map { row in
                Row(
                    orderId: row[0], customer: row[1], status: row[2], totalCents: row[3], itemCount: row[4],
                    placedAt: row[5], updatedAt: row[6])
            }
        }
    }

    public func totalsByStatus() async throws -> [StatusTotal] {
        try await store.read { db in
            try GRDB.Row.fetchAll(
                db, sql: "SELECT status, count(*), sum(total_cents) FROM order_summary GROUP BY status ORDER BY status"
            ).map { StatusTotal(status: $0[0], orders: $0[1], totalCents: $0[2]) }
        }
    }

    public func salesByProduct() async throws -> [ProductSales] {
        try await store.read { db in
            try GRDB.Row.fetchAll(
                db, sql: "SELECT sku, units_sold, revenue_cents, orders FROM sales_by_product ORDER BY revenue_cents DESC, sku"
            ).map { ProductSales(sku: $0[0], unitsSold: $0[1], revenueCents: $0[2], orders: $0[3]) }
        }
    }
}
