/// Typed projection handlers, one per event type, decoded through a registry:
/// the one builder every kind of projection uses, generic over the handler's
/// signature (what the handler gets besides the event).
///
/// Each backend names its signature and adds an `on` and a `handle` of a few
/// lines: ``ProjectionHandlers`` (plain projections: async handlers that get the
/// event and its record), `SQLiteProjectionHandlers` in `ChronicleSQLite`
/// (synchronous handlers that also get GRDB's `Database`, inside the
/// projection's transaction), and a PostgreSQL backend's (async handlers with a
/// connection). Decoding, the type check, "the last registration wins", the
/// filter of handled types and the lookup are written once, here.
///
/// ```swift
/// typealias ConnectionHandlers = ProjectionHandlerSet<@Sendable (EventRecord, Connection) async throws -> Void>
/// extension ProjectionHandlerSet where Handler == @Sendable (EventRecord, Connection) async throws -> Void {
///     mutating func on<E: DomainEvent>(_ type: E.Type, _ handler: @escaping @Sendable (E, EventRecord, Connection) async throws -> Void) {
///         register(E.self) { decode in { record, connection in try await handler(try decode(record), record, connection) } }
///     }
/// }
/// ```
public struct ProjectionHandlerSet<Handler: Sendable>: Sendable {
    /// The registry that decodes events.
    public let registry: EventTypeRegistry
    private var handlers: [String: Handler] = [:]

    /// Creates an empty set of handlers.
    ///
    /// ```swift
    /// var handlers = ProjectionHandlers(registry: registry)
    /// ```
    ///
    /// - Parameter registry: Decodes events to their Swift types.
    public init(registry: EventTypeRegistry) {
        self.registry = registry
    }

    /// Registers the handler of one event type (the last registration wins).
    ///
    /// `make` receives a function that decodes a record to `E` (throwing
    /// ``EventCodingError`` when the record is not an `E`) and returns the stored
    /// handler; a backend's `on` wraps its user's closure with it.
    ///
    /// ```swift
    /// register(E.self) { decode in { record in try await handler(try decode(record), record) } }
    /// ```
    ///
    /// - Parameters:
    ///   - type: The event type; it must be registered in the registry.
    ///   - make: Builds the stored handler from the decoding function.
    public mutating func register<E: DomainEvent>(
        _ type: E.Type, _ make: (_ decode: @escaping @Sendable (EventRecord) throws -> E) -> Handler
    ) {
        let registry = registry
        handlers[E.eventType] = make { record in
            guard let event = try registry.decode(record) as? E else {
                throw EventCodingError(
                    code: .decodingFailed,
                    message: "event '\(record.type)' at position \(record.position) did not decode to \(E.self)",
                    typeName: record.type)
            }
            return event
        }
    }

    /// A filter for exactly the handled event types.
    ///
    /// ```swift
    /// var filter: EventFilter { handlers.filter }
    /// ```
    public var filter: EventFilter { EventFilter(eventTypes: Set(handlers.keys)) }

    /// The handler of a record's type, or `nil` when none is registered (the
    /// event is then ignored).
    ///
    /// ```swift
    /// try await handlers.handler(for: record)?(record)
    /// ```
    ///
    /// - Parameter record: The event.
    /// - Returns: The stored handler of its type.
    public func handler(for record: EventRecord) -> Handler? {
        handlers[record.type]
    }
}
