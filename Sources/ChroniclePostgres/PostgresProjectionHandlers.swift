public import Chronicle
public import PostgresNIO

/// Typed handlers for a ``PostgresProjection``: one per event type, decoded
/// through the registry, run inside the projection's transaction.
///
/// The core's `ProjectionHandlerSet` with async handlers that also get the
/// transaction's `PostgresConnection`: decoding and dispatch are the core's,
/// only the signature is PostgreSQL's.
///
/// ```swift
/// var handlers = PostgresProjectionHandlers(registry: registry)
/// handlers.on(OrderPlaced.self) { placed, record, connection in
///     try await connection.query(
///         "INSERT INTO orders (id, total) VALUES (\(record.stream.id), \(placed.total))", logger: logger)
/// }
/// // in the projection:
/// var filter: EventFilter { handlers.filter }
/// func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
///     try await handlers.handle(event, in: connection)
/// }
/// ```
public typealias PostgresProjectionHandlers = ProjectionHandlerSet<
    @Sendable (EventRecord, PostgresConnection) async throws -> Void
>

extension ProjectionHandlerSet where Handler == @Sendable (EventRecord, PostgresConnection) async throws -> Void {
    /// Registers the handler of one event type (the last registration wins).
    ///
    /// ```swift
    /// handlers.on(OrderPlaced.self) { placed, record, connection in
    ///     try await connection.query("INSERT INTO orders (id) VALUES (\(record.stream.id))", logger: logger)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - type: The event type; it must be registered in the registry.
    ///   - handler: Applies a decoded event with the record and the transaction's connection.
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord, PostgresConnection) async throws -> Void
    ) {
        register(E.self) { decode in
            { record, connection in try await handler(try decode(record), record, connection) }
        }
    }

    /// Decodes and handles one event; events with no handler are ignored.
    ///
    /// ```swift
    /// func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
    ///     try await handlers.handle(event, in: connection)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - record: The event.
    ///   - connection: The connection, inside the projection's transaction.
    /// - Throws: Decoding errors and the handler's errors.
    public func handle(_ record: EventRecord, in connection: PostgresConnection) async throws {
        try await handler(for: record)?(record, connection)
    }
}
