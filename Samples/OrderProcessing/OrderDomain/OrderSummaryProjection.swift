public import Chronicle
public import ChronicleSQLite
public import GRDB
internal import Foundation

/// One row per order: status, total, item count and timestamps (`order_summary`).
public struct OrderSummaryProjection: SQLiteProjection {
    public let name = "order-summary"
    let handlers: SQLiteProjectionHandlers

    public init(registry: EventTypeRegistry) {
        var handlers = SQLiteProjectionHandlers(registry: registry)
        handlers.on(OrderPlaced.self) { placed, record, db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO order_summary (order_id, customer, status, total_cents, item_count, placed_at, updated_at)
                    VALUES (?, ?, 'placed', ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                record.stream.id, placed.customer, placed.lines.reduce(0) { $0 + $1.totalCents },
                placed.lines.reduce(0) { $0 + $1.quantity }, Self.time(record), Self.time(record),
            ])
        }
        handlers.on(ItemAdded.self) { added, record, db in
            try db.cachedStatement(
                sql: """
                    UPDATE order_summary SET total_cents = total_cents + ?, item_count = item_count + ?, updated_at = ?
                    WHERE order_id = ?
                    """
            ).execute(arguments: [added.line.totalCents, added.line.quantity, Self.time(record), record.stream.id])
        }
        handlers.on(OrderPaid.self) { _, record, db in try Self.setStatus("paid", record, db) }
        handlers.on(OrderConfirmed.self) { _, record, db in try Self.setStatus("confirmed", record, db) }
        handlers.on(OrderShipped.self) { _, record, db in try Self.setStatus("shipped", record, db) }
        handlers.on(OrderCancelled.self) { _, record, db in try Self.setStatus("cancelled", record, db) }
        self.handlers = handlers
    }

    /// The order streams only: the copies published to `orders` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [Order.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS order_summary (
                    order_id TEXT PRIMARY KEY NOT NULL,
                    customer TEXT NOT NULL,
                    status TEXT NOT NULL,
                    total_cents INTEGER NOT NULL,
                    item_count INTEGER NOT NULL,
                    placed_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS order_summary_status ON order_summary(status);
                """)
    }

    public func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }

    public func reset(_ db: Database) throws { try db.execute(sql: "DELETE FROM order_summary") }

    static func setStatus(_ status: String, _ record: EventRecord, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE order_summary SET status = ?, updated_at = ? WHERE order_id = ?")
            .execute(arguments: [status, time(record), record.stream.id])
    }

    static func time(_ record: EventRecord) -> String {
        record.recordedAt.formatted(.iso8601)
    }
}
