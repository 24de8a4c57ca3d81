public import Chronicle
public import GRDB

/// Typed handlers for a ``SQLiteProjection``: one per event type, decoded
/// through the registry, run inside the projection's transaction.
///
/// The core's `ProjectionHandlerSet` with synchronous handlers that also get
/// GRDB's `Database`: decoding and dispatch are the core's, only the signature
/// is SQLite's.
///
/// ```swift
/// var handlers = SQLiteProjectionHandlers(registry: registry)
/// handlers.on(OrderPlaced.self) { placed, record, db in
///     try db.execute(sql: "INSERT INTO orders (id, total) VALUES (?, ?)", arguments: [record.stream.id, placed.total])
/// }
/// // in the projection:
/// var filter: EventFilter { handlers.filter }
/// func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }
/// ```
public typealias SQLiteProjectionHandlers = ProjectionHandlerSet<@Sendable (EventRecord, Database) throws -> Void>

extension ProjectionHandlerSet where Handler == @Sendable (EventRecord, Database) throws -> Void {
    /// Registers the handler of one event type (the last registration wins).
    ///
    /// ```swift
    /// handlers.on(OrderPlaced.self) { placed, record, db in
    ///     try db.execute(sql: "INSERT INTO orders (id) VALUES (?)", arguments: [record.stream.id])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - type: The event type; it must be registered in the registry.
    ///   - handler: Applies a decoded event with the record and the database.
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord, Database) throws -> Void
    ) {
        register(E.self) { decode in { record, db in try handler(try decode(record), record, db) } }
    }

    /// Decodes and handles one event; events with no handler are ignored.
    ///
    /// ```swift
    /// func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }
    /// ```
    ///
    /// - Parameters:
    ///   - record: The event.
    ///   - db: The database, inside the projection's transaction.
    /// - Throws: Decoding errors and the handler's errors.
    public func handle(_ record: EventRecord, in db: Database) throws {
        try handler(for: record)?(record, db)
    }
}
