/// The handlers that evolve a state from events: one per event type, registered once.
///
/// Each handler is a function `(inout State, Event) -> Void`. Replay looks the
/// handler up by the stored type name and applies it; an event with no handler
/// is an error unless the handlers were created with `unknownEvents: .ignore`.
/// Registering a second handler for one type name is a mistake that
/// ``validate()`` reports (the repository calls it when it is created).
///
/// ```swift
/// static let handlers = EventHandlers<Order>()
///     .on(OrderPlaced.self) { order, event in
///         order.customer = event.customer
///         order.status = .placed
///     }
///     .on(OrderPaid.self) { order, _ in order.status = .paid }
/// ```
public struct EventHandlers<State>: Sendable {
    struct Handler: Sendable {
        let type: any DomainEvent.Type
        /// Applies the event; `false` when it is not of ``type``.
        let apply: @Sendable (inout State, any DomainEvent) -> Bool
    }

    private(set) var handlers: [String: Handler] = [:]
    private var duplicates: [String] = []
    /// What replay does with an event that has no handler.
    public let unknownEvents: UnknownEventPolicy

    /// Creates an empty set of handlers.
    ///
    /// ```swift
    /// let handlers = EventHandlers<Order>(unknownEvents: .ignore)
    /// ```
    ///
    /// - Parameter unknownEvents: What replay does with an event that has no
    ///   handler; ``UnknownEventPolicy/fail`` by default.
    public init(unknownEvents: UnknownEventPolicy = .fail) {
        self.unknownEvents = unknownEvents
    }

    /// Returns these handlers plus one for an event type.
    ///
    /// ```swift
    /// let handlers = EventHandlers<Counter>().on(Incremented.self) { counter, event in
    ///     counter.value += event.by
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - type: The event type.
    ///   - apply: Evolves the state with one event; it must not throw or have side effects.
    /// - Returns: The extended handlers. A second handler for the same type name
    ///   is recorded as an error that ``validate()`` throws.
    public func on<E: DomainEvent>(
        _ type: E.Type, _ apply: @escaping @Sendable (inout State, E) -> Void
    ) -> EventHandlers {
        var copy = self
        if handlers[E.eventType] != nil {
            copy.duplicates.append("\(E.self) ('\(E.eventType)')")
            return copy
        }
        copy.handlers[E.eventType] = Handler(type: type) { state, event in
            guard let event = event as? E else { return false }
            apply(&state, event)
            return true
        }
        return copy
    }

    /// The event types that have a handler.
    public var eventTypes: [any DomainEvent.Type] {
        handlers.keys.sorted().map { handlers[$0]!.type }
    }

    /// Checks that each type name has been registered once.
    ///
    /// ```swift
    /// try Order.handlers.validate()
    /// ```
    ///
    /// - Throws: ``AggregateError/duplicateHandler`` naming the repeated types.
    public func validate() throws {
        guard duplicates.isEmpty else {
            throw AggregateError(
                code: .duplicateHandler,
                message: "handlers for \(State.self) register these event types more than once: "
                    + duplicates.joined(separator: ", "))
        }
    }

    /// Adds every handled event type to a registry.
    ///
    /// - Parameter registry: The registry to extend.
    /// - Throws: ``EventCodingError`` when a handled type conflicts with a registered one.
    func register(in registry: inout EventTypeRegistry) throws {
        for type in eventTypes {
            try registry.register(type)
        }
    }
}
