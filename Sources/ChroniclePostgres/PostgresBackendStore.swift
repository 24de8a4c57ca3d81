public import Chronicle

/// A PostgreSQL store opened by ``PostgresBackend``: the ``PostgresEventStore``
/// and the stores in its database (checkpoints, dead letters with their counts
/// per consumer, snapshots with their catalog; leases through the event store's
/// `LeaseProviding`; the bus with its delivery attempts), with its schema version.
///
/// ```swift
/// let opened = try await PostgresBackend().open(location, access: .existing)
/// defer { opened.close() }
/// let postgres = opened.events as? PostgresEventStore
/// ```
public struct PostgresBackendStore: BackendStore, SchemaVersionReporting {
    /// The store itself.
    public let store: PostgresEventStore

    /// Wraps an open store.
    ///
    /// ```swift
    /// let opened = PostgresBackendStore(try await PostgresEventStore(url: "postgres://app@localhost/orders"))
    /// ```
    ///
    /// - Parameter store: The open store.
    public init(_ store: PostgresEventStore) {
        self.store = store
    }

    /// Whether opening created the store's tables.
    public var wasCreated: Bool { store.wasCreated }
    /// The ``PostgresEventStore``.
    public var events: any EventStore & StreamCatalog & EventStoreImporting { store }
    /// The database's checkpoints.
    public var checkpoints: any CheckpointStore { store.checkpoints }
    /// The database's dead letters.
    public var deadLetters: any DeadLetterStore { store.deadLetters }
    /// The database's snapshots.
    public var snapshots: any SnapshotStore { PostgresSnapshotStore(store) }
    /// The bus over the database, with its checkpoints, dead letters, leases and delivery attempts.
    public var bus: EventBus { store.bus() }

    /// Closes the store's pool; errors while closing are ignored.
    public func close() {
        store.close()
    }

    /// The schema version (the highest in `chronicle_schema`).
    ///
    /// - Returns: The version of the store's tables.
    /// - Throws: `EventStoreError` on a storage failure.
    public func schemaVersion() async throws -> Int {
        try await store.schemaVersion()
    }
}
