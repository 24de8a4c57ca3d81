public import Chronicle

/// The PostgreSQL backend for tools that open stores by location:
/// `postgres://user:password@host:port/database` (`postgresql://` too).
///
/// Register it with the tool that should open PostgreSQL stores, next to the
/// SQLite backend (which keeps bare paths):
///
/// ```swift
/// import ChronicleCLI
/// import ChroniclePostgres
/// import ChronicleSQLite
///
/// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend(), PostgresBackend()])
/// ```
///
/// The URL takes `sslmode`, `pool` and `connect_timeout` (see
/// ``PostgresConfiguration/init(url:)``). Every message and every written
/// location masks its password (`postgres://app:***@db/orders`).
///
/// Opening for `StoreAccess/existing` or `StoreAccess/readOnly` refuses a
/// database without Chronicle's tables, saying how to create them
/// (`chronicle init --store …`); `StoreAccess/createIfMissing` creates them.
/// A read-only store's connections start with `default_transaction_read_only=on`,
/// so the server itself refuses any write.
public struct PostgresBackend: StoreBackend, StoreBenchmarking {
    /// The options stores are opened with; ``open(_:access:)`` sets
    /// `createIfMissing` and `readOnly` from the access asked for.
    public let options: PostgresEventStore.Options

    /// Creates the backend.
    ///
    /// ```swift
    /// let backend = PostgresBackend(options: .init(maximumEventSize: 256 * 1024))
    /// ```
    ///
    /// - Parameter options: The options every store it opens uses.
    public init(options: PostgresEventStore.Options = .init()) {
        self.options = options
    }

    /// `"PostgreSQL"`.
    public var name: String { "PostgreSQL" }
    /// `postgres` and `postgresql`.
    public var schemes: [String] { ["postgres", "postgresql"] }
    /// `postgres://…`.
    public var locationForm: String { "postgres://…" }

    /// Reads `postgres://user:password@host:port/database?sslmode=MODE`
    /// (`postgresql://` too), checked by ``PostgresConfiguration/init(url:)``.
    ///
    /// ```swift
    /// let location = try PostgresBackend().location(parsing: "postgres://app:secret@db.internal/orders")
    /// location.description   // "postgres://app:***@db.internal/orders"
    /// ```
    ///
    /// - Parameter text: The location as written.
    /// - Returns: A `postgres` location whose address is the URL as written.
    /// - Throws: `EventStoreError` (`invalidArgument`) naming what is wrong
    ///   with the URL, its password masked.
    public func location(parsing text: String) throws -> StoreLocation {
        _ = try PostgresConfiguration(url: text)
        return StoreLocation(scheme: "postgres", address: text)
    }

    /// Opens the store in the location's database.
    ///
    /// ```swift
    /// let location = try PostgresBackend().location(parsing: "postgres://app@localhost/orders")
    /// let store = try await PostgresBackend().open(location, access: .existing)
    /// defer { store.close() }
    /// ```
    ///
    /// - Parameters:
    ///   - location: A `postgres` location.
    ///   - access: Whether Chronicle's tables may be created, or the store is only read.
    /// - Returns: The open store, a ``PostgresBackendStore``.
    /// - Throws: `EventStoreError`: `invalidArgument` for another backend's
    ///   location or a bad URL; `storageUnavailable` for a server that cannot
    ///   be reached, a refused login or a missing database; `notAChronicleStore`
    ///   for a database without the tables when `access` may not create them;
    ///   `schemaTooNew`, or `schemaTooOld` when read-only.
    public func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore {
        try await open(location, access: access, options: options)
    }

    func open(_ location: StoreLocation, access: StoreAccess, options: PostgresEventStore.Options) async throws
        -> PostgresBackendStore
    {
        var options = options
        options.createIfMissing = access == .createIfMissing
        options.readOnly = access == .readOnly
        let store = try await PostgresEventStore(configuration: try configuration(of: location), options: options)
        return PostgresBackendStore(store)
    }

    /// The configuration a location of this backend names.
    func configuration(of location: StoreLocation) throws -> PostgresConfiguration {
        guard schemes.contains(location.scheme) else {
            throw EventStoreError.invalidArgument("'\(location)' is not a PostgreSQL store location")
        }
        return try PostgresConfiguration(url: location.address)
    }
}
