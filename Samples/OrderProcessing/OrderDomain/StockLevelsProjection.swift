public import Chronicle
public import ChronicleSQLite
public import GRDB

/// Units on hand, reserved and available per product (`stock_levels`), from the
/// `stock-<sku>` streams.
public struct StockLevelsProjection: SQLiteProjection {
    public let name = "stock-levels"
    let handlers: SQLiteProjectionHandlers

    public init(registry: EventTypeRegistry) {
        var handlers = SQLiteProjectionHandlers(registry: registry)
        handlers.on(StockReceived.self) { event, record, db in
            try Self.change(record.stream.id, onHand: event.quantity, reserved: 0, db)
        }
        handlers.on(StockReserved.self) { event, record, db in
            try Self.change(record.stream.id, onHand: 0, reserved: event.quantity, db)
        }
        handlers.on(StockReleased.self) { event, record, db in
            try Self.change(record.stream.id, onHand: 0, reserved: -event.quantity, db)
        }
        handlers.on(StockCommitted.self) { event, record, db in
            try Self.change(record.stream.id, onHand: -event.quantity, reserved: -event.quantity, db)
        }
        self.handlers = handlers
    }

    /// The stock streams only: the copies published to `inventory` carry the same types.
    public var filter: EventFilter { EventFilter(categories: [StockItem.category], eventTypes: handlers.filter.eventTypes) }

    public func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS stock_levels (
                    sku TEXT PRIMARY KEY NOT NULL,
                    on_hand INTEGER NOT NULL,
                    reserved INTEGER NOT NULL
                )
                """)
    }

    public func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }

    public func reset(_ db: Database) throws { try db.execute(sql: "DELETE FROM stock_levels") }

    static func change(_ sku: String, onHand: Int, reserved: Int, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO stock_levels (sku, on_hand, reserved) VALUES (?1, ?2, ?3)
                ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + ?2, reserved = reserved + ?3
                """
        ).execute(arguments: [sku, onHand, reserved])
    }
}
