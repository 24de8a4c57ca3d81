/// Typed handlers for a projection: one per event type, decoded through the
/// registry; events of other types are not delivered.
///
/// ```swift
/// var handlers = ProjectionHandlers(registry: registry)
/// handlers.on(OrderPlaced.self) { placed, record in await totals.add(placed.total) }
/// handlers.on(OrderCancelled.self) { cancelled, record in await totals.remove(record.stream) }
/// // in the projection:
/// var filter: EventFilter { handlers.filter }
/// func apply(_ event: EventRecord) async throws { try await handlers.handle(event) }
/// ```
public struct ProjectionHandlers: Sendable {
    /// The registry that decodes events.
    public let registry: EventTypeRegistry
    private var handlers: [String: @Sendable (EventRecord) async throws -> Void] = [:]

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
    ///   - handler: Applies a decoded event; receives the record for its position, stream and metadata.
    public mutating func on<E: DomainEvent>(
        _ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord) async throws -> Void
    ) {
        let registry = registry
        handlers[E.eventType] = { record in
            guard let event = try registry.decode(record) as? E else {
                throw EventCodingError(
                    code: .decodingFailed,
                    message: "event '\(record.type)' at position \(record.position) did not decode to \(E.self)",
                    typeName: record.type)
            }
            try await handler(event, record)
        }
    }

    /// A filter for exactly the handled event types.
    public var filter: EventFilter { EventFilter(eventTypes: Set(handlers.keys)) }

    /// Decodes and handles one event; events with no handler are ignored.
    ///
    /// - Parameter record: The event.
    /// - Throws: Decoding errors and the handler's errors.
    public func handle(_ record: EventRecord) async throws {
        guard let handler = handlers[record.type] else { return }
        try await handler(record)
    }
}
