public import Chronicle
public import ChroniclePostgres
internal import Foundation
internal import Logging
public import PostgresNIO

/// The order summary on PostgreSQL: one row per order in `order_summary`, the
/// same table and columns as ``OrderSummaryProjection`` keeps on SQLite.
public struct PostgresOrderSummaryProjection: PostgresProjection {
    public let name = "order-summary"
    let handlers: PostgresProjectionHandlers
    static let logger = Logger(label: "order-processing.order-summary")

    public init(registry: EventTypeRegistry) {
        let logger = Self.logger
        var handlers = PostgresProjectionHandlers(registry: registry)
        handlers.on(OrderPlaced.self) { placed, record, connection in
            let time = OrderSummaryProjection.time(record)
            try await connection.query(
                """
                INSERT INTO order_summary (order_id, customer, status, total_cents, item_count, placed_at, updated_at)
                VALUES (\(record.stream.id), \(placed.customer), 'placed', \(placed.lines.reduce(0) { $0 + $1.totalCents }),
                    \(placed.lines.reduce(0) { $0 + $1.quantity }), \(time), \(time))
                """, logger: logger)
        }
        handlers.on(ItemAdded.self) { added, record, connection in
            try await connection.query(
                """
                UPDATE order_summary SET total_cents = total_cents + \(added.line.totalCents),
                    item_count = item_count + \(added.line.quantity), updated_at = \(OrderSummaryProjection.time(record))
                WHERE order_id = \(record.stream.id)
                """, logger: logger)
        }
        handlers.on(OrderPaid.self) { _, record, connection in try await Self.setStatus("paid", record, connection) }
        handlers.on(OrderConfirmed.self) { _, record, connection in try await Self.setStatus("confirmed", record, connection) }
        handlers.on(OrderShipped.self) { _, record, connection in try await Self.setStatus("shipped", record, connection) }
        handlers.on(OrderCancelled.self) { _, record, connection in try await Self.setStatus("cancelled", record, connection) }
        self.handlers = handlers
    }

    /// The order streams only: the copies published to `orders` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [Order.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS order_summary (
                order_id TEXT PRIMARY KEY NOT NULL,
                customer TEXT NOT NULL,
                status TEXT NOT NULL,
                total_cents BIGINT NOT NULL,
                item_count BIGINT NOT NULL,
                placed_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """, logger: Self.logger)
        try await connection.query(
            "CREATE INDEX IF NOT EXISTS order_summary_status ON order_summary(status)", logger: Self.logger)
    }

    public func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
        try await handlers.handle(event, in: connection)
    }

    public func reset(_ connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM order_summary", logger: Self.logger)
    }

    static func setStatus(_ status: String, _ record: EventRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE order_summary SET status = \(status), updated_at = \(OrderSummaryProjection.time(record))
            WHERE order_id = \(record.stream.id)
            """, logger: logger)
    }
}
