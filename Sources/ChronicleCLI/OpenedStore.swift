public import Chronicle

/// A store opened by a command, with what tools need beyond the event log:
/// its location, its backend, and the stores beside the log, each through its
/// protocol.
///
/// What only some backends have (a schema version, files, SQLite's category
/// index) is read through ``capability(_:)``; ``schemaVersion()`` and
/// ``files()`` answer `nil` and nothing when the backend has none.
///
/// ```swift
/// let opened = try await StoreOptions(store: "sqlite:events.sqlite").open(.existing)
/// defer { opened.close() }
/// let statistics = try await opened.store.statistics()
/// ```
public struct OpenedStore: Sendable {
    /// Where the store is.
    public let location: StoreLocation
    /// The backend that opened it.
    public let backend: any StoreBackend
    /// What the backend opened: the log and the stores beside it.
    public let opened: any BackendStore

    /// One file of a store and its size.
    public typealias File = StoreFile

    init(location: StoreLocation, backend: any StoreBackend, opened: any BackendStore) {
        self.location = location
        self.backend = backend
        self.opened = opened
    }

    /// Opens a store with the running command's backends (``StoreBackendRegistry/current``).
    ///
    /// ```swift
    /// let opened = try await OpenedStore.open(try StoreLocation(parsing: "events.sqlite"), access: .existing)
    /// ```
    ///
    /// - Parameters:
    ///   - location: Where the store is.
    ///   - access: Whether the store may be created.
    /// - Returns: The open store.
    /// - Throws: ``CommandError`` when no registered backend takes the location;
    ///   ``Chronicle/EventStoreError`` for a missing (or empty) store when it must
    ///   exist, and when the store is not a store, is damaged or cannot be reached.
    public static func open(_ location: StoreLocation, access: StoreAccess) async throws -> OpenedStore {
        try await StoreBackendRegistry.current.open(location, access: access)
    }

    /// The store: its log, its stream catalog and its import.
    public var store: any StreamCatalog & EventStoreImporting { opened.events }

    /// Whether opening created the store.
    public var wasCreated: Bool { opened.wasCreated }

    /// The checkpoints of the store's projections and consumers.
    ///
    /// ```swift
    /// for checkpoint in try await opened.checkpoints.checkpoints() { print(checkpoint.name, checkpoint.position) }
    /// ```
    public var checkpoints: any CheckpointStore { opened.checkpoints }

    /// The events the store's projections and consumers parked after their last retry.
    ///
    /// ```swift
    /// let stuck = try await opened.deadLetters.count(consumer: nil)
    /// ```
    public var deadLetters: any DeadLetterStore { opened.deadLetters }

    /// The aggregates' snapshots.
    ///
    /// ```swift
    /// let orders = try AggregateRepository<Order>(store: opened.store, snapshots: opened.snapshots, policy: .every(100))
    /// ```
    public var snapshots: any SnapshotStore { opened.snapshots }

    /// The domain event bus over the store (see ``Chronicle/BackendStore/bus``).
    public var bus: EventBus { opened.bus }

    /// The opened store as a capability protocol, when its backend has it.
    ///
    /// ```swift
    /// if let index = opened.capability((any CategoryIndexing).self) { print(try await index.hasCategoryIndex()) }
    /// ```
    ///
    /// - Parameter type: The capability, such as `(any CategoryIndexing).self`.
    /// - Returns: The store as that capability, or `nil`.
    public func capability<Capability>(_ type: Capability.Type) -> Capability? {
        opened as? Capability
    }

    /// The store's schema version, when its backend versions its schema.
    ///
    /// - Returns: The version of the store's tables, or `nil`.
    /// - Throws: ``Chronicle/EventStoreError`` on a storage failure.
    public func schemaVersion() async throws -> Int? {
        try await capability((any SchemaVersionReporting).self)?.schemaVersion()
    }

    /// The store's files and their sizes (for SQLite: the database and its
    /// write-ahead log, when present); empty for a backend without files.
    ///
    /// - Returns: The files that exist.
    public func files() -> [File] {
        capability((any StoreFileReporting).self)?.files() ?? []
    }

    /// The number of dead letters per subscriber, in one query when the
    /// backend can count them, else by listing them.
    ///
    /// - Returns: Counts by subscriber name.
    /// - Throws: ``Chronicle/EventStoreError`` on a storage failure.
    func deadLetterCounts() async throws -> [String: Int] {
        if let counting = deadLetters as? any DeadLetterCounting { return try await counting.countsByConsumer() }
        var counts: [String: Int] = [:]
        for letter in try await deadLetters.deadLetters(consumer: nil, limit: Int.max) {
            counts[letter.consumer, default: 0] += 1
        }
        return counts
    }

    /// Closes the store's connections; errors while closing are ignored.
    public func close() {
        opened.close()
    }
}
