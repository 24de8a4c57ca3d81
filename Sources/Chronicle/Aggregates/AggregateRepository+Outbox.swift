extension AggregateRepository {
    /// Runs a command and publishes messages built from its events, atomically:
    /// the aggregate's events and the messages commit in one append, or neither does.
    ///
    /// Works as ``execute(_:context:maximumRetries:_:)``; after the command,
    /// `publishing` gets its events as they will be appended (ids, types, payloads,
    /// metadata with the correlation and causation ids) and the new state, and
    /// returns the messages to publish. They join the aggregate's append through
    /// ``EventBus/appends(publishing:)`` (delayed messages as scheduled entries),
    /// so a crash never loses a message nor publishes one for events that were not
    /// stored. After a version conflict both closures run again on the fresh state:
    /// only the messages of the attempt that commits are published. A command that
    /// returns no event publishes nothing (`publishing` is not called).
    ///
    /// A message needs an id of its own: to publish an event as is, copy it into a
    /// `NewEvent` with a new id (the default), as below.
    ///
    /// ```swift
    /// let result = try await orders.execute("42") { order in
    ///     try order.pay(amount: 30)
    /// } publishing: { events, order in
    ///     events.map { paid in
    ///         OutgoingMessage(
    ///             NewEvent(type: paid.type, data: paid.data, metadata: paid.metadata), to: "orders", key: order.id)
    ///     }
    /// }
    /// print(result.published.map(\.position))
    /// ```
    ///
    /// - Parameters:
    ///   - id: The aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - maximumRetries: Retries after a conflict; ``Options/maximumRetries`` when `nil`.
    ///   - command: Looks at the state and returns new events, or throws a domain error.
    ///   - publishing: Builds the messages from the new events and state; may throw.
    /// - Returns: The new state and version, the events, the receipts of the
    ///   published messages (``CommandResult/published``) and the attempts.
    /// - Throws: As ``execute(_:context:maximumRetries:_:)``; `publishing`'s own
    ///   errors, unchanged; ``EventStoreError`` for a message that cannot be
    ///   published (`invalidArgument` for `$all` or a bad key, `eventTooLarge`,
    ///   `duplicateEvent` for a message that reuses an event's id). Nothing is
    ///   stored then: neither the events nor any message.
    @discardableResult
    public func execute(
        _ id: A.ID, context: CommandContext = CommandContext(), maximumRetries: Int? = nil,
        _ command: (A) async throws -> [any DomainEvent], publishing: Publishing
    ) async throws -> CommandResult<A> {
        try await withoutActuallyEscaping(publishing) { publishing in
            try await executeCommand(id, context: context, maximumRetries: maximumRetries, command, publishing: publishing)
        }
    }

    /// Runs a command on an aggregate, or on its initial state when it has no
    /// events yet, and publishes messages built from its events, atomically.
    ///
    /// Works as ``executeOrCreate(_:context:maximumRetries:_:)``; `publishing` is
    /// as in ``execute(_:context:maximumRetries:_:publishing:)``.
    ///
    /// ```swift
    /// try await checkouts.executeOrCreate(orderId) { checkout in
    ///     try checkout.handle(event)
    /// } publishing: { events, checkout in
    ///     try checkout.commands(for: events)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - id: The aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - maximumRetries: Retries after a conflict; ``Options/maximumRetries`` when `nil`.
    ///   - command: Looks at the state (the initial one for a new aggregate) and
    ///     returns new events, or throws a domain error.
    ///   - publishing: Builds the messages from the new events and state; may throw.
    /// - Returns: As ``execute(_:context:maximumRetries:_:publishing:)``.
    /// - Throws: As ``execute(_:context:maximumRetries:_:publishing:)``, without
    ///   ``AggregateError/notFound``; nothing is stored on an error.
    @discardableResult
    public func executeOrCreate(
        _ id: A.ID, context: CommandContext = CommandContext(), maximumRetries: Int? = nil,
        _ command: (A) async throws -> [any DomainEvent], publishing: Publishing
    ) async throws -> CommandResult<A> {
        try await withoutActuallyEscaping(publishing) { publishing in
            try await executeCommand(
                id, context: context, maximumRetries: maximumRetries, creating: true, command, publishing: publishing)
        }
    }

    /// Creates an aggregate and publishes messages built from its first events,
    /// atomically: both commit in one append, or neither does.
    ///
    /// Works as ``create(_:context:_:)``; `publishing` is as in
    /// ``execute(_:context:maximumRetries:_:publishing:)``.
    ///
    /// ```swift
    /// try await orders.create("42") { order in
    ///     try order.place(customer: "ada", lines: lines)
    /// } publishing: { events, order in
    ///     [OutgoingMessage(NewEvent(type: "OrderPlaced", data: try encode(order)), to: "orders", key: "42")]
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - id: The new aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - command: Looks at the initial state and returns the first events.
    ///   - publishing: Builds the messages from the new events and state; may throw.
    /// - Returns: The new state and version, the events, the receipts of the
    ///   published messages and `attempts` 1.
    /// - Throws: As ``create(_:context:_:)`` and, for the messages, as
    ///   ``execute(_:context:maximumRetries:_:publishing:)``; nothing is stored then.
    @discardableResult
    public func create(
        _ id: A.ID, context: CommandContext = CommandContext(),
        _ command: (A) async throws -> [any DomainEvent], publishing: Publishing
    ) async throws -> CommandResult<A> {
        try await withoutActuallyEscaping(publishing) { publishing in
            try await createAggregate(id, context: context, command, publishing: publishing)
        }
    }
}
