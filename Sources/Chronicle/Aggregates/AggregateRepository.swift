internal import Foundation
internal import Logging
internal import Metrics

/// Loads aggregates from an event store and runs commands against them with
/// optimistic concurrency.
///
/// Loading starts from the freshest known state — the in-memory cache if
/// enabled, else the newest usable snapshot, else ``Aggregate/init(id:)`` — and
/// applies the stream's events after it through the aggregate's handlers.
/// Running a command loads the aggregate, calls the command with the state,
/// appends the returned events with ``ExpectedVersion/exactly(_:)`` the loaded
/// version, and on a conflict (another writer got there first) re-runs the
/// command on fresh state, up to ``Options/maximumRetries`` times. Events carry
/// the ``CommandContext``'s correlation and causation ids.
///
/// ```swift
/// let orders = try AggregateRepository<Order>(store: store, options: .init(maximumRetries: 3))
/// try await orders.create("42") { order in try order.place(customer: "ada") }
/// let result = try await orders.execute("42", context: CommandContext(correlationId: requestId)) { order in
///     try order.pay()
/// }
/// let order = try await orders.load("42").state
/// ```
///
/// The repository is `Sendable`: share one per aggregate type. Every call honours
/// task cancellation between store calls.
public final class AggregateRepository<A: Aggregate>: Sendable {
    /// The event store.
    public let store: any EventStore
    /// The registry: the one given, plus every event type the aggregate handles.
    public let registry: EventTypeRegistry
    /// The settings.
    public let options: Options

    let handlers: EventHandlers<A>
    let snapshotting: Snapshotting?
    let cache: AggregateCache<A>?
    let metrics: AggregateMetrics
    /// Commands' turns per stream, when ``Options/queuesCommands``.
    let turns: KeyedTurns<StreamName>?

    /// What a repository with snapshots needs.
    struct Snapshotting: Sendable {
        let store: any SnapshotStore
        let policy: SnapshotPolicy<A>
        let encode: @Sendable (A) throws -> Data
        let decode: @Sendable (Data) throws -> A
    }

    /// Creates a repository without snapshots.
    ///
    /// ```swift
    /// let orders = try AggregateRepository<Order>(store: InMemoryEventStore())
    /// ```
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - registry: Event types beyond those the aggregate handles (events the
    ///     aggregate's commands return must be registered); the handled types
    ///     are added to it. An empty JSON registry by default.
    ///   - options: Retries, cache, page size, logging and metrics.
    /// - Throws: ``AggregateError/duplicateHandler`` when a type name has two
    ///   handlers; ``EventCodingError`` when a handled type conflicts with the
    ///   registry or cannot be registered; ``AggregateError/invalidConfiguration``
    ///   for out-of-range options; ``EventStoreError/invalidStreamName`` for an
    ///   invalid ``Aggregate/category``.
    public convenience init(
        store: some EventStore, registry: EventTypeRegistry = EventTypeRegistry(), options: Options = Options()
    ) throws {
        try self.init(anyStore: store, registry: registry, snapshotting: nil, options: options)
    }

    /// Creates a repository that loads from snapshots and takes them by policy.
    ///
    /// Snapshots are encoded with the registry's codec and tagged with
    /// ``Aggregate/snapshotSchemaVersion``.
    ///
    /// ```swift
    /// let orders = try AggregateRepository<Order>(
    ///     store: store, snapshots: SQLiteSnapshotStore(store), policy: .every(100))
    /// ```
    ///
    /// - Parameters:
    ///   - store: The event store.
    ///   - registry: Event types beyond those the aggregate handles.
    ///   - snapshots: Where snapshots are kept.
    ///   - policy: When to take one.
    ///   - options: Retries, cache, page size, logging and metrics.
    /// - Throws: As ``init(store:registry:options:)``, and
    ///   ``AggregateError/invalidConfiguration`` for a policy such as `.every(0)`.
    public convenience init(
        store: some EventStore, registry: EventTypeRegistry = EventTypeRegistry(), snapshots: some SnapshotStore,
        policy: SnapshotPolicy<A>, options: Options = Options()
    ) throws where A: Codable {
        try policy.validate()
        let codec = registry.codec
        let snapshotting = Snapshotting(
            store: snapshots, policy: policy,
            encode: { state in try codec.encode(state) },
            decode: { data in try codec.decode(A.self, from: data) })
        try self.init(anyStore: store, registry: registry, snapshotting: snapshotting, options: options)
    }

    private init(
        anyStore store: any EventStore, registry: EventTypeRegistry, snapshotting: Snapshotting?, options: Options
    ) throws {
        try options.validate()
        try StreamName.validateCategory(A.category)
        let handlers = A.handlers
        try handlers.validate()
        var registry = registry
        try handlers.register(in: &registry)
        self.store = store
        self.registry = registry
        self.options = options
        self.handlers = handlers
        self.snapshotting = snapshotting
        self.cache = options.cacheCapacity > 0 ? AggregateCache(capacity: options.cacheCapacity) : nil
        self.turns = options.queuesCommands ? KeyedTurns() : nil
        self.metrics = AggregateMetrics(category: A.category, factory: options.metricsFactory ?? MetricsSystem.factory)
    }
}

extension AggregateRepository {
    /// Loads an aggregate: its state after every stored event, and its version.
    ///
    /// ```swift
    /// let loaded = try await orders.load("42")
    /// print(loaded.state.status, loaded.version)
    /// ```
    ///
    /// - Parameter id: The aggregate's identifier.
    /// - Returns: The state and the version it reflects.
    /// - Throws: ``AggregateError/notFound`` when the stream has no events;
    ///   ``AggregateError/unknownEventType`` or ``EventCodingError`` when an event
    ///   cannot be applied; ``EventStoreError`` from the store.
    public func load(_ id: A.ID) async throws -> LoadedAggregate<A> {
        let stream = try A.streamName(for: id)
        let loaded = try await rebuild(id, stream: stream, snapshotByPolicy: true)
        guard loaded.version > 0 else { throw Self.notFound(stream) }
        return LoadedAggregate(state: loaded.state, version: loaded.version, stream: stream)
    }

    /// Loads an aggregate, or its initial state at version 0 when it has no events.
    ///
    /// ```swift
    /// let cart = try await carts.loadOrInitial(sessionId)
    /// if cart.version == 0 { print("new cart") }
    /// ```
    ///
    /// - Parameter id: The aggregate's identifier.
    /// - Returns: The state and its version (0 for a new aggregate).
    /// - Throws: As ``load(_:)``, except for not found.
    public func loadOrInitial(_ id: A.ID) async throws -> LoadedAggregate<A> {
        let stream = try A.streamName(for: id)
        let loaded = try await rebuild(id, stream: stream, snapshotByPolicy: true)
        return LoadedAggregate(state: loaded.state, version: loaded.version, stream: stream)
    }

    /// Forgets a cached aggregate; the next load starts from a snapshot or the first event.
    ///
    /// The cache is never stale, so this is only needed to free memory.
    ///
    /// ```swift
    /// orders.evictFromCache("42")
    /// ```
    ///
    /// - Parameter id: The aggregate's identifier.
    public func evictFromCache(_ id: A.ID) {
        cache?.evict(id)
    }

    /// The number of aggregates in the in-memory cache.
    public var cachedCount: Int { cache?.count ?? 0 }

    static func notFound(_ stream: StreamName) -> AggregateError {
        AggregateError(
            code: .notFound, message: "\(A.self) '\(stream)' has no events", stream: stream, streamVersion: 0)
    }

    /// Rebuilds the state from the freshest starting point (cache, snapshot or
    /// initial state) plus the events after it; caches the result and, when
    /// asked (plain loads, not the load of a command, which checks the policy
    /// after its append), takes a snapshot by policy.
    func rebuild(
        _ id: A.ID, stream: StreamName, snapshotByPolicy: Bool = false
    ) async throws -> AggregateCache<A>.Entry {
        var entry: AggregateCache<A>.Entry
        if let cached = cache?.entry(for: id) {
            entry = cached
        } else if let fromSnapshot = try await snapshotStart(id, stream: stream) {
            entry = fromSnapshot
        } else {
            entry = AggregateCache<A>.Entry(state: A(id: id), version: 0, snapshotVersion: 0)
        }
        let startVersion = entry.version
        try await applyTail(to: &entry, stream: stream)
        if entry.version > 0 {
            if snapshotByPolicy, entry.version != startVersion {
                await snapshotIfDue(&entry, stream: stream, newEvents: [])
            }
            cache?.store(entry, for: id)
        }
        return entry
    }
}
