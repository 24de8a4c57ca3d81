internal import Metrics

extension AggregateRepository {
    /// Runs a command against an existing aggregate and appends the events it returns.
    ///
    /// Loads the aggregate, calls `command` with its state, and appends the
    /// returned events expecting the loaded version. When another writer appended
    /// in between (a version conflict), the command runs again on the fresh
    /// state, up to `maximumRetries` more times (10 by default), after a random
    /// wait that grows with each retry (up to 2, 4, 8 … 100 ms by default; see
    /// ``Options/retryDelay``): a command must therefore be a function of the
    /// state, without side effects of its own. A command that returns no event
    /// appends nothing.
    ///
    /// With the cache on, a cached aggregate is used without reading the store
    /// first (an append is then one write, no read): if another writer appended
    /// meanwhile, the expected version catches it and the command runs again on
    /// the cached state brought up to date (the events after its version read
    /// from the store), without counting against `maximumRetries`.
    ///
    /// ```swift
    /// let result = try await orders.execute("42", context: CommandContext(correlationId: requestId)) { order in
    ///     try order.addItem(sku: "A-1", quantity: 2)
    /// }
    /// print(result.version, result.state.items.count)
    /// ```
    ///
    /// - Parameters:
    ///   - id: The aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - maximumRetries: Retries after a conflict; ``Options/maximumRetries`` when `nil`.
    ///   - command: Looks at the state and returns new events, or throws a domain error.
    /// - Returns: The new state and version, the events, and how many attempts it took.
    /// - Throws: The command's own errors, unchanged; ``AggregateError/notFound``
    ///   when the aggregate has no events; ``AggregateError/concurrencyConflict``
    ///   when every attempt conflicted (its `cause` is the store's error);
    ///   ``AggregateError/unknownEventType`` or ``EventCodingError`` when an event
    ///   has no handler or is not registered (nothing is appended then);
    ///   ``EventStoreError`` from the store; `CancellationError`.
    @discardableResult
    public func execute(
        _ id: A.ID, context: CommandContext = CommandContext(), maximumRetries: Int? = nil,
        _ command: (A) async throws -> [any DomainEvent]
    ) async throws -> CommandResult<A> {
        try await executeCommand(id, context: context, maximumRetries: maximumRetries, command, publishing: nil)
    }

    /// Runs a command on an aggregate, or on its initial state when its stream
    /// has no events yet: the first command creates it.
    ///
    /// Works as ``execute(_:context:maximumRetries:_:)``, but an aggregate with
    /// no events is not an error: the command sees `A(id:)` and its events are
    /// appended expecting no stream. When another writer creates the stream
    /// first, that is a version conflict like any other: the command runs again
    /// on the state that writer left. This is the usual shape of a process
    /// manager's (saga's) handler, whose first message starts it, and of an
    /// aggregate that any of several commands may start; it takes one load (none
    /// when cached) and one append, where `loadOrInitial` followed by `create`
    /// or `execute` reads the stream twice.
    ///
    /// ```swift
    /// let result = try await carts.executeOrCreate("c-9") { cart in try cart.add(sku: "fig", quantity: 2) }
    /// print(result.version)   // 1 for a new cart
    /// ```
    ///
    /// - Parameters:
    ///   - id: The aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - maximumRetries: Retries after a conflict; ``Options/maximumRetries`` when `nil`.
    ///   - command: Looks at the state (the initial one for a new aggregate) and
    ///     returns new events, or throws a domain error.
    /// - Returns: The new state and version, the events, and how many attempts it
    ///   took. A command that returns no event on a new aggregate appends
    ///   nothing: the result's version is 0 and the aggregate still does not exist.
    /// - Throws: As ``execute(_:context:maximumRetries:_:)``, without
    ///   ``AggregateError/notFound``.
    @discardableResult
    public func executeOrCreate(
        _ id: A.ID, context: CommandContext = CommandContext(), maximumRetries: Int? = nil,
        _ command: (A) async throws -> [any DomainEvent]
    ) async throws -> CommandResult<A> {
        try await executeCommand(
            id, context: context, maximumRetries: maximumRetries, creating: true, command, publishing: nil)
    }

    /// The messages a command publishes, built from its events as appended and the
    /// new state (see ``execute(_:context:maximumRetries:_:publishing:)``).
    public typealias Publishing = (_ events: [NewEvent], _ state: A) throws -> [OutgoingMessage]

    /// The retry loop of `execute`, with or without messages to publish.
    ///
    /// - Parameter creating: Run the command on the initial state when the
    ///   stream has no events (expecting no stream) instead of throwing `notFound`.
    func executeCommand(
        _ id: A.ID, context: CommandContext, maximumRetries: Int?, creating: Bool = false,
        _ command: (A) async throws -> [any DomainEvent], publishing: Publishing?
    ) async throws -> CommandResult<A> {
        let stream = try A.streamName(for: id)
        return try await inTurn(stream) {
            try await retrying(
                id, stream: stream, context: context, maximumRetries: maximumRetries, creating: creating, command,
                publishing: publishing)
        }
    }

    /// Runs `body` in the stream's turn when ``Options/queuesCommands``, at once otherwise.
    private func inTurn<T>(_ stream: StreamName, _ body: () async throws -> T) async throws -> T {
        guard let turns else { return try await body() }
        return try await turns.run(stream, body)
    }

    /// One command's attempts until one commits, a retry budget runs out or it fails.
    private func retrying(
        _ id: A.ID, stream: StreamName, context: CommandContext, maximumRetries: Int?, creating: Bool,
        _ command: (A) async throws -> [any DomainEvent], publishing: Publishing?
    ) async throws -> CommandResult<A> {
        let retries = max(0, maximumRetries ?? options.maximumRetries)
        var attempts = 0
        var conflicts = 0
        // A cached state is used as is: the append's expected version catches a
        // stale one (another writer appended), and the command then runs again on
        // state read from the store, without spending a retry.
        var trustCache = true
        while true {
            attempts += 1
            let cached = trustCache ? cache?.entry(for: id) : nil
            let loaded: AggregateCache<A>.Entry
            if let cached {
                loaded = cached
            } else {
                loaded = try await rebuild(id, stream: stream)
            }
            guard loaded.version > 0 || creating else { throw Self.notFound(stream) }
            do {
                return try await run(
                    command, on: loaded, id: id, stream: stream,
                    expecting: loaded.version > 0 ? .exactly(loaded.version) : .noStream,
                    context: context, attempts: attempts, publishing: publishing)
            } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
                // The cached entry stays: it is a true prefix of the stream (events are
                // never rewritten), so the next attempt reads only the events after it.
                metrics.conflicts.increment()
                if cached != nil {
                    trustCache = false
                    try Task.checkCancellation()
                    continue
                }
                conflicts += 1
                guard conflicts <= retries else {
                    throw AggregateError(
                        code: .concurrencyConflict,
                        message: "\(A.self) '\(stream)' changed during each of \(attempts) attempt(s) "
                            + "(last expected version \(loaded.version), found \(error.actualVersion ?? -1))",
                        stream: stream, streamVersion: error.actualVersion, attempts: attempts, cause: error)
                }
                // Writers that collided would collide again if they retried at
                // once: a random wait spreads them (see Options.retryDelay).
                let delay = options.delay(beforeRetry: conflicts)
                if delay > .zero { try await Task.sleep(for: delay) }
                try Task.checkCancellation()
            }
        }
    }

    /// Creates an aggregate: runs a command on its initial state and appends the
    /// events to an empty stream.
    ///
    /// ```swift
    /// try await orders.create("42") { order in
    ///     try order.place(customer: "ada", lines: lines)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - id: The new aggregate's identifier.
    ///   - context: The ids and headers the events' metadata gets.
    ///   - command: Looks at the initial state and returns the first events.
    /// - Returns: The new state and version, the events, and `attempts` 1.
    /// - Throws: The command's own errors, unchanged; ``AggregateError/alreadyExists``
    ///   when the stream already has events; ``AggregateError/unknownEventType`` or
    ///   ``EventCodingError`` as for ``execute(_:context:maximumRetries:_:)``;
    ///   ``EventStoreError`` from the store.
    @discardableResult
    public func create(
        _ id: A.ID, context: CommandContext = CommandContext(),
        _ command: (A) async throws -> [any DomainEvent]
    ) async throws -> CommandResult<A> {
        try await createAggregate(id, context: context, command, publishing: nil)
    }

    /// `create`, with or without messages to publish.
    func createAggregate(
        _ id: A.ID, context: CommandContext, _ command: (A) async throws -> [any DomainEvent],
        publishing: Publishing?
    ) async throws -> CommandResult<A> {
        let stream = try A.streamName(for: id)
        let initial = AggregateCache<A>.Entry(state: A(id: id), version: 0, snapshotVersion: 0)
        do {
            return try await inTurn(stream) {
                try await run(
                    command, on: initial, id: id, stream: stream, expecting: .noStream, context: context, attempts: 1,
                    publishing: publishing)
            }
        } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
            cache?.evict(id)
            throw AggregateError(
                code: .alreadyExists,
                message: "\(A.self) '\(stream)' has \(Self.events(error.actualVersion ?? 0))",
                stream: stream, streamVersion: error.actualVersion, cause: error)
        }
    }

    /// One attempt: run the command, check its events apply, build the messages
    /// they publish, append events and messages in one transaction, then cache
    /// and snapshot the new state.
    private func run(
        _ command: (A) async throws -> [any DomainEvent], on loaded: AggregateCache<A>.Entry, id: A.ID,
        stream: StreamName, expecting expected: ExpectedVersion, context: CommandContext, attempts: Int,
        publishing: Publishing?
    ) async throws -> CommandResult<A> {
        let events = try await command(loaded.state)
        guard !events.isEmpty else {
            return CommandResult(
                state: loaded.state, version: loaded.version, events: [], appended: [], appendResult: nil,
                attempts: attempts)
        }
        let metadata = context.eventMetadata
        var entry = loaded
        var appended: [NewEvent] = []
        appended.reserveCapacity(events.count)
        for event in events {
            appended.append(try registry.encode(event, metadata: metadata))
            try handlers.apply(event, to: &entry.state)
        }
        // The outbox: the messages join the aggregate's append, so both or neither commit.
        let plan = try publishing.map { try EventBus.plan(try $0(appended, entry.state)) }
        let results = try await store.append(
            [StreamAppend(stream: stream, events: appended, expecting: expected)] + (plan?.appends ?? []))
        let result = results[0]
        entry.version = result.version
        await snapshotIfDue(&entry, stream: stream, newEvents: events)
        cache?.store(entry, for: id)
        return CommandResult(
            state: entry.state, version: entry.version, events: events, appended: appended, appendResult: result,
            attempts: attempts, published: plan?.receipts(Array(results.dropFirst())) ?? [])
    }

    /// `1 event`, `3 events`.
    private static func events(_ count: Int64) -> String {
        count == 1 ? "1 event" : "\(count) events"
    }
}
