public import Chronicle
public import ChroniclePostgres
internal import Logging
public import PostgresNIO

/// Sales by product on PostgreSQL: the same tables and columns as
/// ``SalesByProductProjection`` keeps on SQLite (`sales_by_product`, with the
/// lines of open orders in `sales_order_lines` and the paid orders in
/// `sales_paid_orders`), each change one statement.
public struct PostgresSalesByProductProjection: PostgresProjection {
    public let name = "sales-by-product"
    let handlers: PostgresProjectionHandlers
    static let logger = Logger(label: "order-processing.sales-by-product")

    public init(registry: EventTypeRegistry) {
        let logger = Self.logger
        var handlers = PostgresProjectionHandlers(registry: registry)
        handlers.on(OrderPlaced.self) { placed, record, connection in
            try await Self.addLines(placed.lines, order: record.stream.id, connection)
        }
        handlers.on(ItemAdded.self) { added, record, connection in
            try await Self.addLines([added.line], order: record.stream.id, connection)
        }
        handlers.on(OrderPaid.self) { _, record, connection in
            try await Self.countSales(order: record.stream.id, connection)
            try await connection.query(
                "INSERT INTO sales_paid_orders (order_id) VALUES (\(record.stream.id)) ON CONFLICT DO NOTHING",
                logger: logger)
        }
        handlers.on(OrderCancelled.self) { _, record, connection in
            // Takes a paid order's lines back, and forgets that it was paid, in one statement.
            try await connection.query(
                """
                WITH paid AS (DELETE FROM sales_paid_orders WHERE order_id = \(record.stream.id) RETURNING order_id)
                INSERT INTO sales_by_product (sku, units_sold, revenue_cents, orders)
                SELECT sku, -sum(quantity)::bigint, -sum(quantity * unit_price_cents)::bigint, -1 FROM sales_order_lines
                WHERE order_id IN (SELECT order_id FROM paid) GROUP BY sku
                \(unescaped: Self.addExcluded)
                """, logger: logger)
        }
        self.handlers = handlers
    }

    /// The order streams only: the copies published to `orders` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [Order.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ connection: PostgresConnection) async throws {
        for statement: PostgresQuery in [
            """
            CREATE TABLE IF NOT EXISTS sales_by_product (
                sku TEXT PRIMARY KEY NOT NULL,
                units_sold BIGINT NOT NULL,
                revenue_cents BIGINT NOT NULL,
                orders BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS sales_order_lines (
                order_id TEXT NOT NULL, sku TEXT NOT NULL, quantity BIGINT NOT NULL, unit_price_cents BIGINT NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS sales_order_lines_order ON sales_order_lines(order_id)",
            "CREATE TABLE IF NOT EXISTS sales_paid_orders (order_id TEXT PRIMARY KEY NOT NULL)",
        ] {
            try await connection.query(statement, logger: Self.logger)
        }
    }

    public func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
        try await handlers.handle(event, in: connection)
    }

    public func reset(_ connection: PostgresConnection) async throws {
        for table in ["sales_by_product", "sales_order_lines", "sales_paid_orders"] {
            try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: Self.logger)
        }
    }

    /// Records an order's lines, all in one statement.
    static func addLines(_ lines: [OrderLine], order: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO sales_order_lines (order_id, sku, quantity, unit_price_cents)
            SELECT \(order)::text, * FROM unnest(\(lines.map(\.sku))::text[], \(lines.map { Int64($0.quantity) })::bigint[],
                \(lines.map { Int64($0.unitPriceCents) })::bigint[])
            """, logger: logger)
    }

    /// How a row already in `sales_by_product` takes the inserted counts.
    static let addExcluded = """
        ON CONFLICT (sku) DO UPDATE SET units_sold = sales_by_product.units_sold + excluded.units_sold,
            revenue_cents = sales_by_product.revenue_cents + excluded.revenue_cents,
            orders = sales_by_product.orders + excluded.orders
        """

    /// Adds a paid order's lines to `sales_by_product` (a cancellation takes them back).
    static func countSales(order: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO sales_by_product (sku, units_sold, revenue_cents, orders)
            SELECT sku, sum(quantity)::bigint, sum(quantity * unit_price_cents)::bigint, 1 FROM sales_order_lines
            WHERE order_id = \(order) GROUP BY sku
            \(unescaped: addExcluded)
            """, logger: logger)
    }
}
