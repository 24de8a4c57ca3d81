/// Typed handlers for a projection: one per event type, decoded through the
/// registry; events of other types are not delivered.
///
/// The ``ProjectionHandlerSet`` of plain projections: async handlers that get
/// the decoded event and its record.
///
/// ```swift
/// var handlers = ProjectionHandlers(registry: registry)
/// handlers.on(OrderPlaced.self) { placed, record in await totals.add(placed.total) }
/// handlers.on(OrderCancelled.self) { cancelled, record in await totals.remove(record.stream) }
/// // in the projection:
/// var filter: EventFilter { handlers.filter }
/// func apply(_ event: EventRecord) async throws { try await handlers.handle(event) }
/// ```
public typealias ProjectionHandlers = ProjectionHandlerSet<@Sendable (EventRecord) async throws -> Void>

extension ProjectionHandlerSet where Handler == @Sendable (EventRecord) async throws -> Void {
    /// Registers the handler of one event type (the last registration wins).
    ///
    /// ```swift
    /// handlers.on(OrderPlaced.self) { placed, record in await totals.add(placed.total) }
    /// ```
    ///
    /// - Parameters:
    ///   - type: The event type; it must be registered in the registry.
    ///   - handler: Applies a decoded event; receives the record for its position, stream and metadata.
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord) async throws -> Void
    ) {
        register(E.self) { decode in { record in try await handler(try decode(record), record) } }
    }

    /// Decodes and handles one event; events with no handler are ignored.
    ///
    /// ```swift
    /// func apply(_ event: EventRecord) async throws { try await handlers.handle(event) }
    /// ```
    ///
    /// - Parameter record: The event.
    /// - Throws: Decoding errors and the handler's errors.
    public func handle(_ record: EventRecord) async throws {
        try await handler(for: record)?(record)
    }
}
