public import Chronicle
public import ChronicleSQLite
public import GRDB

/// Units sold and revenue per product, counted when an order is paid and taken
/// back when a paid order is cancelled (`sales_by_product`; the lines of open
/// orders wait in `sales_order_lines`).
public struct SalesByProductProjection: SQLiteProjection {
    public let name = "sales-by-product"
    let handlers: SQLiteProjectionHandlers

    public init(registry: EventTypeRegistry) {
        var handlers = SQLiteProjectionHandlers(registry: registry)
        handlers.on(OrderPlaced.self) { placed, record, db in
            for line in placed.lines { try Self.addLine(line, order: record.stream.id, db) }
        }
        handlers.on(ItemAdded.self) { added, record, db in try Self.addLine(added.line, order: record.stream.id, db) }
        handlers.on(OrderPaid.self) { _, record, db in
            try Self.count(order: record.stream.id, sign: 1, db)
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO sales_paid_orders (order_id) VALUES (?)")
                .execute(arguments: [record.stream.id])
        }
        handlers.on(OrderCancelled.self) { _, record, db in
            let wasPaid = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM sales_paid_orders WHERE order_id = ?"),
                arguments: [record.stream.id]) ?? 0
            if wasPaid > 0 {
                try Self.count(order: record.stream.id, sign: -1, db)
                try db.cachedStatement(sql: "DELETE FROM sales_paid_orders WHERE order_id = ?")
                    .execute(arguments: [record.stream.id])
            }
        }
        self.handlers = handlers
    }

    /// The order streams only: the copies published to `orders` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [Order.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS sales_by_product (
                    sku TEXT PRIMARY KEY NOT NULL,
                    units_sold INTEGER NOT NULL,
                    revenue_cents INTEGER NOT NULL,
                    orders INTEGER NOT NULL
                );
                CREATE TABLE IF NOT EXISTS sales_order_lines (
                    order_id TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL
                );
                CREATE INDEX IF NOT EXISTS sales_order_lines_order ON sales_order_lines(order_id);
                CREATE TABLE IF NOT EXISTS sales_paid_orders (order_id TEXT PRIMARY KEY NOT NULL);
                """)
    }

    public func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }

    public func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM sales_by_product; DELETE FROM sales_order_lines; DELETE FROM sales_paid_orders")
    }

    static func addLine(_ line: OrderLine, order: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO sales_order_lines (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [order, line.sku, line.quantity, line.unitPriceCents])
    }

    /// Adds (sign 1) or takes back (sign -1) an order's lines.
    static func count(order: String, sign: Int, _ db: Database) throws {
        let lines = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT sku, sum(quantity), sum(quantity * unit_price_cents) FROM sales_order_lines WHERE order_id = ? GROUP BY sku"),
            arguments: [order])
        for line in lines {
            try db.cachedStatement(
                sql: """
                    INSERT INTO sales_by_product (sku, units_sold, revenue_cents, orders) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (sku) DO UPDATE SET units_sold = units_sold + ?2, revenue_cents = revenue_cents + ?3,
                        orders = orders + ?4
                    """
            ).execute(arguments: [line[0] as String, sign * (line[1] as Int), sign * (line[2] as Int), sign])
        }
    }
}
