public import Chronicle
internal import Foundation
internal import Logging
internal import PostgresNIO

/// What `chronicle bench --store postgres://…` asks of PostgreSQL: a fresh
/// database per workload, created and dropped through the server's `postgres`
/// database, with the durability as the session's `synchronous_commit`.
///
/// The location names a database that must not exist. The role needs
/// `CREATEDB` (or to be a superuser) and the right to connect to the
/// `postgres` database. Each database the bench creates carries a comment
/// marking it as the bench's, and only such a database is ever dropped.
extension PostgresBackend {
    /// The comment that marks a database as one the bench created.
    static let benchMarker = "chronicle bench store: dropped when the workload ends"

    /// `full` (the server's `synchronous_commit`) and `normal` (`off`): see ``PostgresDurability``.
    public var durabilities: [String] { PostgresDurability.allCases.map(\.rawValue) }

    /// The server's version (`SHOW server_version`), asked through its
    /// `postgres` database.
    ///
    /// - Parameter location: A `postgres` location.
    /// - Returns: The version, or `nil` when the server cannot be asked.
    public func engineVersion(at location: StoreLocation) async -> String? {
        try? await withMaintenanceConnection(location) { connection, logger in
            var version: String?
            for try await value in try await connection.query("SHOW server_version", logger: logger).decode(String.self) {
                version = value
            }
            return version
        }
    }

    /// `nil`: a PostgreSQL store needs a server, which `--store` names.
    ///
    /// - Parameter directory: Not used.
    /// - Returns: `nil`.
    public func temporaryLocation(in directory: String) -> StoreLocation? { nil }

    /// Whether the location's database exists.
    ///
    /// - Parameter location: A `postgres` location.
    /// - Returns: `true` when the server has a database of that name.
    /// - Throws: `EventStoreError` when the server cannot be reached or refuses the login.
    public func storeExists(at location: StoreLocation) async throws -> Bool {
        let name = try configuration(of: location).database
        return try await withMaintenanceConnection(location) { connection, logger in
            let rows = try await connection.query(
                "SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count > 0
        }
    }

    /// Drops the location's database, closing its connections, when the
    /// bench created it (its comment says so); any other database is left alone.
    /// Runs in a task of its own, so an interrupted run still cleans up.
    ///
    /// - Parameter location: A `postgres` location.
    public func removeStore(at location: StoreLocation) async {
        let backend = self
        await Task.detached {
            guard let name = try? backend.configuration(of: location).database else { return }
            _ = try? await backend.withMaintenanceConnection(location) { connection, logger in
                let rows = try await connection.query(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = \(name)",
                    logger: logger)
                var marked = false
                for try await comment in rows.decode(String?.self) { marked = comment == Self.benchMarker }
                guard marked else { return }
                let quoted = Self.quotedIdentifier(name)
                do {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)"), logger: logger)
                } catch let error where PostgresErrorMapping.sqlState(error) == "42601" {
                    // Before PostgreSQL 13 there is no FORCE; the store's pool is closed by now.
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(quoted)"), logger: logger)
                }
            }
        }.value
    }

    /// Creates the location's database, marked as the bench's, and opens a
    /// store in it with the durability given.
    ///
    /// - Parameters:
    ///   - location: A `postgres` location whose database does not exist.
    ///   - durability: `full` or `normal`.
    /// - Returns: The open store.
    /// - Throws: `EventStoreError`: `invalidArgument` for another durability;
    ///   `storageUnavailable` when the database cannot be created (it exists,
    ///   or the role may not create databases) or reached.
    public func openForBenchmark(_ location: StoreLocation, durability: String) async throws -> any BackendStore {
        guard let durability = PostgresDurability(rawValue: durability) else {
            throw EventStoreError.invalidArgument("PostgreSQL durability must be full or normal, got '\(durability)'")
        }
        let name = try configuration(of: location).database
        // CREATE DATABASE cannot share a transaction with its COMMENT: both run in
        // a task of their own, so Ctrl-C cannot leave a database without the mark
        // that lets removeStore(at:) drop it.
        let backend = self
        try await Task.detached {
            try await backend.withMaintenanceConnection(location) { connection, logger in
                let quoted = Self.quotedIdentifier(name)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(quoted)"), logger: logger)
                let comment = Self.benchMarker.replacingOccurrences(of: "'", with: "''")
                do {
                    try await connection.query(
                        PostgresQuery(unsafeSQL: "COMMENT ON DATABASE \(quoted) IS '\(comment)'"), logger: logger)
                } catch {
                    _ = try? await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(quoted)"), logger: logger)
                    throw error
                }
            }
        }.value
        var options = options
        options.durability = durability
        return try await open(location, access: .createIfMissing, options: options)
    }

    /// An exactly-once projection counting events per type into a table of
    /// the store's database, its checkpoint committed in the same transaction.
    ///
    /// - Parameter store: A store this backend opened.
    /// - Returns: The projection and its total.
    /// - Throws: `EventStoreError` (`invalidArgument`) for another backend's store.
    public func eventCounter(on store: any BackendStore) throws -> BenchmarkEventCounter {
        guard let postgres = (store as? PostgresBackendStore)?.store else {
            throw EventStoreError.invalidArgument("the PostgreSQL backend counts events only in its own stores")
        }
        let projection = PostgresEventCountProjection(database: postgres.database)
        return BenchmarkEventCounter(projection: projection) { try await projection.total() }
    }

    /// Runs `body` on a connection to the server's `postgres` database, with
    /// the location's credentials; errors name the location.
    func withMaintenanceConnection<T: Sendable>(
        _ location: StoreLocation, _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let target = try configuration(of: location)
        var maintenance = target
        maintenance.database = "postgres"
        let logger = options.logger
        do {
            return try await PostgresDatabase.withSingleConnection(maintenance, logger: logger) { connection in
                try await body(connection, logger)
            }
        } catch let error as EventStoreError {
            // Name the location the user gave, not the maintenance database.
            let message = error.message.replacingOccurrences(of: maintenance.description, with: target.description)
            throw EventStoreError(code: error.code, message: message, cause: error.cause)
        }
    }

    /// `name` as a quoted SQL identifier.
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
