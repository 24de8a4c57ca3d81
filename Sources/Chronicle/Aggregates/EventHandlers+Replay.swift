extension EventHandlers {
    /// Applies stored events to a state, in order, decoding them through a registry.
    ///
    /// This is what ``AggregateRepository`` does on load; call it to fold a
    /// stream yourself (in a tool, a test, a read model).
    ///
    /// ```swift
    /// var order = Order(id: "42")
    /// let records = try await store.readStream(stream, from: 1, direction: .forward, limit: 1_000)
    /// try Order.handlers.replay(records, onto: &order, registry: registry)
    /// ```
    ///
    /// - Parameters:
    ///   - records: Stored events, in stream order.
    ///   - state: The state to evolve.
    ///   - registry: Decodes payloads (and upcasts old schema versions).
    /// - Throws: ``AggregateError/unknownEventType`` for an event without a handler
    ///   (unless unknown events are ignored); ``EventCodingError`` when a payload
    ///   cannot be decoded. The state is then partly evolved: discard it.
    public func replay(
        _ records: some Sequence<EventRecord>, onto state: inout State, registry: EventTypeRegistry
    ) throws {
        let handlers = handlers
        var decoder = EventTypeRegistry.RunDecoder(registry: registry) { handlers[$0] != nil }
        var applier = Applier(handlers: self)
        for record in records {
            try applier.apply(record, decoded: decoder.decode(record), to: &state)
        }
    }

    /// Applies stored events to a state, in order, like
    /// ``replay(_:onto:registry:)``, decoding a large batch on several cores first
    /// (see `EventTypeRegistry.decode(_:)` for an array of records). The outcome, errors included, is the same.
    ///
    /// ```swift
    /// var order = Order(id: "42")
    /// let records = try await store.readStream(stream, from: 1, direction: .forward, limit: 1_000)
    /// try await Order.handlers.replayInParallel(records, onto: &order, registry: registry)
    /// ```
    ///
    /// - Parameters:
    ///   - records: Stored events, in stream order.
    ///   - state: The state to evolve.
    ///   - registry: Decodes payloads (and upcasts old schema versions).
    /// - Throws: As ``replay(_:onto:registry:)``.
    public func replayInParallel(
        _ records: [EventRecord], onto state: inout State, registry: EventTypeRegistry
    ) async throws {
        let decoded = await decodeForReplay(records, registry: registry)
        var applier = Applier(handlers: self)
        for index in records.indices {
            try applier.apply(records[index], decoded: decoded[index], to: &state)
        }
    }

    /// The events of `records` that have a handler, decoded (in parallel for large batches).
    func decodeForReplay(
        _ records: [EventRecord], registry: EventTypeRegistry
    ) async -> [Result<any DomainEvent, any Error>?] {
        let handlers = handlers
        return await registry.decodeResults(records) { handlers[$0] != nil }
    }

    /// Applies decoded stored events one after another, looking a handler up
    /// once per run of events of one type (the row readers hand out one string
    /// per type name, so comparing with the last name is cheap).
    struct Applier {
        let handlers: EventHandlers
        private var lastName: String?
        private var last: Handler?

        init(handlers: EventHandlers) { self.handlers = handlers }

        /// Applies one stored event, given its decoding outcome (`nil` when it has no handler).
        mutating func apply(
            _ record: EventRecord, decoded: Result<any DomainEvent, any Error>?, to state: inout State
        ) throws {
            try apply(type: record.type, stream: record.stream, version: record.version, decoded: decoded, to: &state)
        }

        /// Applies the stored event at `version` of `stream`, of type `type`,
        /// given its decoding outcome (`nil` when it has no handler).
        mutating func apply(
            type: String, stream: StreamName, version: Int64, decoded: Result<any DomainEvent, any Error>?,
            to state: inout State
        ) throws {
            if type != lastName {
                lastName = type
                last = handlers.handlers[type]
            }
            guard let handler = last else {
                if handlers.unknownEvents == .ignore { return }
                throw AggregateError(
                    code: .unknownEventType,
                    message: "event '\(stream)'@\(version) has type '\(type)', which no handler "
                        + "of \(State.self) handles; register one, or create the handlers with unknownEvents: .ignore",
                    stream: stream, streamVersion: version, typeName: type)
            }
            guard let decoded else { preconditionFailure("an event with a handler was not decoded") }
            let event = try decoded.get()
            guard handler.apply(&state, event) else {
                throw AggregateError(
                    code: .unknownEventType,
                    message: "event '\(stream)'@\(version) of type '\(type)' decodes as "
                        + "\(Swift.type(of: event)) but the handler of \(State.self) expects \(handler.type)",
                    stream: stream, streamVersion: version, typeName: type)
            }
        }
    }

    /// Applies a typed event (one a command just returned) to a state.
    ///
    /// ```swift
    /// var order = Order(id: "42")
    /// try Order.handlers.apply(OrderPlaced(customer: "ada"), to: &order)
    /// ```
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - state: The state to evolve.
    /// - Throws: ``AggregateError/unknownEventType`` when no handler takes the
    ///   event's type (and unknown events are not ignored).
    public func apply(_ event: any DomainEvent, to state: inout State) throws {
        let name = event.eventType
        if let handler = handlers[name], handler.apply(&state, event) { return }
        if handlers[name] == nil, unknownEvents == .ignore { return }
        throw AggregateError(
            code: .unknownEventType,
            message: "\(type(of: event)) ('\(name)') has no handler in \(State.self)", typeName: name)
    }
}
