public import Chronicle
internal import Foundation

/// A SQLite store opened by ``SQLiteBackend``: the ``SQLiteEventStore`` and
/// the stores in its file, with its schema version, files and category index.
///
/// ```swift
/// let opened = try await SQLiteBackend().open(.sqlite(path: "events.sqlite"), access: .existing)
/// let sqlite = opened.events as? SQLiteEventStore   // what a ProjectionCatalog bound to SQLite receives
/// ```
public struct SQLiteBackendStore: BackendStore, SchemaVersionReporting, StoreFileReporting, CategoryIndexing,
    StoreBackingUp
{
    /// The store itself.
    public let store: SQLiteEventStore
    /// Whether opening created the file (or initialised an empty one).
    public let wasCreated: Bool

    /// Wraps an open store.
    ///
    /// ```swift
    /// let opened = SQLiteBackendStore(try await SQLiteEventStore(path: "events.sqlite"), wasCreated: false)
    /// ```
    ///
    /// - Parameters:
    ///   - store: The open store.
    ///   - wasCreated: Whether opening it created the file.
    public init(_ store: SQLiteEventStore, wasCreated: Bool) {
        self.store = store
        self.wasCreated = wasCreated
    }

    /// The ``SQLiteEventStore``.
    public var events: any EventStore & StreamCatalog & EventStoreImporting { store }
    /// The file's checkpoints.
    public var checkpoints: any CheckpointStore { store.checkpoints }
    /// The file's dead letters.
    public var deadLetters: any DeadLetterStore { store.deadLetters }
    /// The file's snapshots.
    public var snapshots: any SnapshotStore { SQLiteSnapshotStore(store) }
    /// The bus over the file, with its checkpoints, dead letters, leases and delivery attempts.
    public var bus: EventBus { store.bus() }

    /// Closes the store's connections; errors while closing are ignored.
    public func close() {
        try? store.close()
    }

    /// The schema version (`PRAGMA user_version`).
    ///
    /// - Returns: The version of the store's tables.
    /// - Throws: `EventStoreError` on a storage failure.
    public func schemaVersion() async throws -> Int {
        try await store.schemaVersion()
    }

    /// The database file and its write-ahead log, when it holds anything, with
    /// their sizes. (An empty log is left out: a read-only open of a cleanly
    /// closed store has one only while it is open.)
    ///
    /// - Returns: The files that exist.
    public func files() -> [StoreFile] {
        [("database", store.path), ("write-ahead log", store.path + "-wal")].compactMap { role, path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = (attributes[.size] as? NSNumber)?.int64Value
            else { return nil }
            if role != "database" && size == 0 { return nil }
            return StoreFile(role: role, path: path, size: size)
        }
    }

    /// Copies the store to a new self-contained file while it stays in use
    /// (see ``SQLiteEventStore/backup(to:)``).
    ///
    /// ```swift
    /// let backup = try await opened.backup(to: "backups/bank.sqlite")
    /// ```
    ///
    /// - Parameter destination: The path of the copy; it must not exist.
    /// - Returns: What was copied.
    /// - Throws: `EventStoreError`: `invalidArgument` when the
    ///   destination exists, `storageUnavailable` when it cannot be written.
    public func backup(to destination: String) async throws -> StoreBackup {
        try await store.backup(to: destination)
    }

    /// Whether the file has the index of events by category.
    ///
    /// - Returns: `true` when category reads use the index.
    /// - Throws: `EventStoreError` on a storage failure.
    public func hasCategoryIndex() async throws -> Bool {
        try await store.hasCategoryIndex()
    }

    /// Builds or drops the index of events by category.
    ///
    /// - Parameter indexed: Whether the file should have the index.
    /// - Throws: `EventStoreError` on a storage failure.
    public func setCategoryIndex(_ indexed: Bool) async throws {
        try await store.setCategoryIndex(indexed)
    }
}

extension SQLiteDeadLetterStore: DeadLetterCounting {}
