public import Chronicle
public import GRDB

/// Typed handlers for a ``SQLiteProjection``: one per event type, decoded
/// through the registry, run inside the projection's transaction.
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
public struct SQLiteProjectionHandlers: Sendable {
    /// The registry that decodes events.
    public let registry: EventTypeRegistry
    private var handlers: [String: @Sendable (EventRecord, Database) throws -> Void] = [:]

    /// Creates an empty set of handlers.
    ///
    /// - Parameter registry: Decodes events to their Swift types.
    public init(registry: EventTypeRegistry) {
        self.registry = registry
    }

    /// Registers the handler of one event type (the last registration wins).
    ///
    /// - Parameters:
    ///   - type: The event type; it must be registered in the registry.
    ///   - handler: Applies a decoded event with the record and the database.
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord, Database) throws -> Void
    ) {
        let registry = registry
        handlers[E.eventType] = { record, db in
            guard let event = try registry.decode(record) as? E else {
                throw EventCodingError(
                    code: .decodingFailed,
                    message: "event '\(record.type)' at position \(record.position) did not decode to \(E.self)",
                    typeName: record.type)
            }
            try handler(event, record, db)
        }
    }

    /// A filter for exactly the handled event types.
    public var filter: EventFilter { EventFilter(eventTypes: Set(handlers.keys)) }

    /// Decodes and handles one event; events with no handler are ignored.
    ///
    /// - Parameters:
    ///   - record: The event.
    ///   - db: The database, inside the projection's transaction.
    /// - Throws: Decoding errors and the handler's errors.
    public func handle(_ record: EventRecord, in db: Database) throws {
        guard let handler = handlers[record.type] else { return }
        try handler(record, db)
    }
}
