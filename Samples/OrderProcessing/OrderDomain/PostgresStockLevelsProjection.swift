public import Chronicle
public import ChroniclePostgres
internal import Logging
public import PostgresNIO

/// Stock levels on PostgreSQL: units on hand and reserved per product in
/// `stock_levels`, the same table and columns as ``StockLevelsProjection`` keeps on SQLite.
public struct PostgresStockLevelsProjection: PostgresProjection {
    public let name = "stock-levels"
    let handlers: PostgresProjectionHandlers
    static let logger = Logger(label: "order-processing.stock-levels")

    public init(registry: EventTypeRegistry) {
        var handlers = PostgresProjectionHandlers(registry: registry)
        handlers.on(StockReceived.self) { event, record, connection in
            try await Self.change(record.stream.id, onHand: event.quantity, reserved: 0, connection)
        }
        handlers.on(StockReserved.self) { event, record, connection in
            try await Self.change(record.stream.id, onHand: 0, reserved: event.quantity, connection)
        }
        handlers.on(StockReleased.self) { event, record, connection in
            try await Self.change(record.stream.id, onHand: 0, reserved: -event.quantity, connection)
        }
        handlers.on(StockCommitted.self) { event, record, connection in
            try await Self.change(record.stream.id, onHand: -event.quantity, reserved: -event.quantity, connection)
        }
        self.handlers = handlers
    }

    /// The stock streams only: the copies published to `inventory` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [StockItem.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS stock_levels (
                sku TEXT PRIMARY KEY NOT NULL,
                on_hand BIGINT NOT NULL,
                reserved BIGINT NOT NULL
            )
            """, logger: Self.logger)
    }

    public func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
        try await handlers.handle(event, in: connection)
    }

    public func reset(_ connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM stock_levels", logger: Self.logger)
    }

    static func change(_ sku: String, onHand: Int, reserved: Int, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO stock_levels (sku, on_hand, reserved) VALUES (\(sku), \(onHand), \(reserved))
            ON CONFLICT (sku) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand,
                reserved = stock_levels.reserved + excluded.reserved
            """, logger: logger)
    }
}
