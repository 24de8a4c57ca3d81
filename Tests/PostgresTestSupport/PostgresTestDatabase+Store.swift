public import ChroniclePostgres
public import Logging
public import PostgresNIO

extension PostgresTestDatabase {
    /// Opens a store on the database (the caller closes it).
    ///
    /// ```swift
    /// let store = try await database.openStore()
    /// defer { store.close() }
    /// ```
    ///
    /// - Parameter options: The store's options.
    /// - Returns: A store on this database; its tables are created when missing.
    /// - Throws: What `PostgresEventStore(url:options:)` throws.
    public func openStore(options: PostgresEventStore.Options = .init()) async throws -> PostgresEventStore {
        // A small pool: many tests run at once against one server.
        try await PostgresEventStore(url: url + "?pool=4", options: options)
    }

    /// A connection of its own to the database, with the logger to pass to its queries; the caller closes it.
    ///
    /// ``withConnection(isolation:_:)`` closes it for you; this is for a connection that outlives
    /// one scope (a transaction held open while the test does something else).
    ///
    /// - Returns: The connection and ``PostgresTestServer/logger``.
    /// - Throws: postgres-nio's `PSQLError` when the connection cannot be made.
    public func connect() async throws -> (PostgresConnection, Logger) {
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: .random(in: 1...Int.max), logger: PostgresTestServer.logger)
        return (connection, PostgresTestServer.logger)
    }
}

/// Runs `body` with a store on a fresh database, then closes the store and drops the database,
/// whether `body` returns or throws.
///
/// ```swift
/// @Test func appends() async throws {
///     try await withPostgresStore { store, database in
///         try await store.append([event], to: StreamName("order-1"), expecting: .noStream)
///     }
/// }
/// ```
///
/// - Parameters:
///   - options: The store's options.
///   - body: The test's body, given the store and its database; its errors pass through unchanged.
/// - Throws: What creating the database, opening the store, `body` or dropping the database throws.
public func withPostgresStore(
    options: PostgresEventStore.Options = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresEventStore, PostgresTestDatabase) async throws -> Void
) async throws {
    try await withTestDatabase { database in
        let store = try await database.openStore(options: options)
        do {
            try await body(store, database)
        } catch {
            store.close()
            throw error
        }
        store.close()
    }
}
