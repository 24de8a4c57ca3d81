/// A store a ``StoreBackend`` opened: the event log and the stores that live
/// beside it, each through its protocol.
///
/// Tools see only these protocols. What only some backends have (files and
/// their sizes, a schema version, SQLite's category index, benchmarking) is a
/// capability protocol the same value may also conform to:
/// ``StoreFileReporting``, ``SchemaVersionReporting``, ``CategoryIndexing``.
///
/// ```swift
/// let store = try await backend.open(location, access: .existing)
/// defer { store.close() }
/// let head = try await store.events.headPosition()
/// if let reporting = store as? any SchemaVersionReporting { print(try await reporting.schemaVersion()) }
/// ```
public protocol BackendStore: Sendable {
    /// The event log, its stream catalog and its import.
    var events: any EventStore & StreamCatalog & EventStoreImporting { get }
    /// The checkpoints of the store's projections and consumers.
    var checkpoints: any CheckpointStore { get }
    /// The events projections and consumers parked after their last retry.
    var deadLetters: any DeadLetterStore { get }
    /// The aggregates' snapshots.
    var snapshots: any SnapshotStore { get }
    /// The domain event bus over the store, with the store's checkpoints, dead
    /// letters, leases and delivery attempts: what `chronicle bus` works on.
    var bus: EventBus { get }
    /// Whether opening created the store.
    var wasCreated: Bool { get }
    /// Closes the store's connections; errors while closing are ignored.
    func close()
}

extension BackendStore {
    /// A bus over the store's log, checkpoints and dead letters, for backends
    /// written before the bus: leases are the event store's own when it keeps
    /// them (``LeaseProviding``), else in memory; delivery attempts are in
    /// memory. Both in-memory parts hold only for this value and this process,
    /// so a backend whose groups run in several processes implements ``bus``
    /// with stores in its database, as SQLite's and PostgreSQL's do.
    ///
    /// ```swift
    /// let groups = try await store.bus.checkpoints.checkpoints()
    /// ```
    public var bus: EventBus {
        let leases: any LeaseStore = (events as? any LeaseProviding)?.leases ?? InMemoryLeaseStore()
        return EventBus(
            store: events, checkpoints: checkpoints, deadLetters: deadLetters, leases: leases,
            attempts: InMemoryDeliveryAttemptStore())
    }
}

/// A store with a versioned schema: what `chronicle init` and `stats` print.
///
/// ```swift
/// if let reporting = store as? any SchemaVersionReporting { print(try await reporting.schemaVersion()) }
/// ```
public protocol SchemaVersionReporting: Sendable {
    /// The version of the store's tables.
    ///
    /// - Returns: The schema version.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func schemaVersion() async throws -> Int
}

/// A store kept in files: what `chronicle stats` lists with their sizes.
///
/// ```swift
/// if let reporting = store as? any StoreFileReporting { for file in reporting.files() { print(file.path, file.size) } }
/// ```
public protocol StoreFileReporting: Sendable {
    /// The store's files that exist, with their sizes.
    ///
    /// - Returns: The files (for SQLite: the database and its write-ahead log, when present).
    func files() -> [StoreFile]
}

/// One file of a store and its size.
///
/// ```swift
/// let file = StoreFile(role: "database", path: "events.sqlite", size: 4_096)
/// ```
public struct StoreFile: Hashable, Sendable {
    /// What the file is: `"database"` or `"write-ahead log"`.
    public let role: String
    /// Its path.
    public let path: String
    /// Its size in bytes.
    public let size: Int64

    /// Creates a file description.
    ///
    /// - Parameters:
    ///   - role: What the file is.
    ///   - path: Its path.
    ///   - size: Its size in bytes.
    public init(role: String, path: String, size: Int64) {
        self.role = role
        self.path = path
        self.size = size
    }
}

/// A store with an optional index of events by category (SQLite's): what
/// `chronicle category-index` shows, builds and drops.
///
/// ```swift
/// if let indexing = store as? any CategoryIndexing, try await !indexing.hasCategoryIndex() {
///     try await indexing.setCategoryIndex(true)
/// }
/// ```
public protocol CategoryIndexing: Sendable {
    /// Whether the index exists.
    ///
    /// - Returns: `true` when category reads use the index.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func hasCategoryIndex() async throws -> Bool

    /// Builds or drops the index; no event changes.
    ///
    /// - Parameter indexed: `true` to build it, `false` to drop it.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func setCategoryIndex(_ indexed: Bool) async throws
}

/// A dead-letter store that counts its letters per consumer in one query,
/// which `stats` uses instead of listing every letter.
///
/// ```swift
/// if let counting = store.deadLetters as? any DeadLetterCounting { print(try await counting.countsByConsumer()) }
/// ```
public protocol DeadLetterCounting: Sendable {
    /// The number of dead letters per consumer; consumers without any are absent.
    ///
    /// - Returns: Counts by consumer name.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func countsByConsumer() async throws -> [String: Int]
}
