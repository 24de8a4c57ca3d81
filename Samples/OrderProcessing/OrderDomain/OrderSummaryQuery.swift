public import ChronicleSQLite

/// Reads the read models (order summary, sales by product, stock levels) of
/// either backend, through its ``ShopStorage``.
///
/// ```swift
/// let confirmed = try await OrderSummaryQuery(storage: shop.storage).orders(status: "confirmed", limit: 20)
/// ```
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

    public struct StockLevel: Sendable, Hashable {
        public let sku: String
        public let onHand: Int
        public let reserved: Int
        public var available: Int { onHand - reserved }
    }

    /// The storage whose tables it reads.
    public let storage: any ShopStorage

    /// Reads the read models of a shop's storage (either backend).
    public init(storage: any ShopStorage) { self.storage = storage }

    /// Reads the read models in a SQLite store's file.
    public init(store: SQLiteEventStore) { storage = SQLiteShopStorage(store) }

    /// Orders of the order summary, oldest first; only those with `status` unless it is `nil`.
    public func orders(status: String?, limit: Int) async throws -> [Row] {
        try await storage.orders(status: status, limit: limit)
    }

    /// One order's summary, or `nil` when the read model has no such order.
    public func order(_ orderId: String) async throws -> Row? { try await storage.order(orderId) }

    /// Orders and their value per status.
    public func totalsByStatus() async throws -> [StatusTotal] { try await storage.totalsByStatus() }

    /// Units, orders and revenue per product, best-selling first.
    public func salesByProduct() async throws -> [ProductSales] { try await storage.salesByProduct() }

    /// Units on hand and reserved per product.
    public func stockLevels() async throws -> [StockLevel] { try await storage.stockLevels() }
}
