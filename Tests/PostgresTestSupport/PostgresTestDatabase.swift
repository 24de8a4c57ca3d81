internal import Foundation
public import PostgresNIO

/// A fresh, empty database of its own on the test server, for one test.
///
/// ``create()`` makes `chronicle_test_<16 hex digits>` (a `CREATE DATABASE` over
/// a connection to the server's `postgres` database); ``drop()`` drops it, ending
/// any session still connected. ``withTestDatabase(isolation:_:)`` does both
/// around a test's body.
///
/// ```swift
/// try await withTestDatabase { db in
///     // db.url: postgres://chronicle:PASSWORD@127.0.0.1:PORT/chronicle_test_…
///     try await db.withConnection { connection in
///         try await connection.query("CREATE TABLE t (id int)", logger: PostgresTestServer.logger)
///     }
/// }
/// ```
public struct PostgresTestDatabase: Sendable {
    /// The server, the credentials and this database's name.
    public let endpoint: PostgresEndpoint
    /// This database's place among those that may exist at once (``PostgresTestSlots``).
    public let slot: PostgresTestSlot

    /// A database at `endpoint` holding `slot`.
    public init(endpoint: PostgresEndpoint, slot: PostgresTestSlot) {
        self.endpoint = endpoint
        self.slot = slot
    }

    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE`: the server's credentials, this database.
    public var url: String { endpoint.url }
    public var host: String { endpoint.host }
    public var port: Int { endpoint.port }
    public var username: String { endpoint.username }
    public var password: String? { endpoint.password }
    /// The database's name, `chronicle_test_` and 16 hex digits.
    public var database: String { endpoint.database }
    /// A postgres-nio configuration for this database (no TLS).
    public var configuration: PostgresConnection.Configuration { endpoint.configuration }

    /// Makes a fresh database with a unique name on the server `CHRONICLE_TEST_POSTGRES_URL` names.
    ///
    /// - Returns: The new database; ``drop()`` it when done (or use ``withTestDatabase(isolation:_:)``).
    /// - Throws: ``PostgresTestServerError`` when the variable is unset or malformed; postgres-nio's
    ///   `PSQLError` when the server cannot be reached or refuses the `CREATE DATABASE`.
    public static func create() async throws -> PostgresTestDatabase {
        let server = try PostgresTestServer.endpoint
        await PostgresTestSlots.shared.acquire()
        let slot = PostgresTestSlot()
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        let name = "chronicle_test_" + String(repeating: "0", count: 16 - hex.count) + hex
        do {
            try await server.withConnection { connection in
                // An identifier cannot be a bound parameter; the name is ours, made of [a-z0-9_].
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: PostgresTestServer.logger)
            }
        } catch {
            slot.release()
            throw error
        }
        return PostgresTestDatabase(endpoint: server.with(database: name), slot: slot)
    }

    /// Drops the database, ending the sessions still connected to it (`DROP DATABASE ... WITH (FORCE)`).
    ///
    /// Dropping a database already dropped does nothing.
    ///
    /// - Throws: postgres-nio's `PSQLError` when the server cannot be reached or refuses the drop.
    public func drop() async throws {
        defer { slot.release() }
        let server = endpoint.with(database: "postgres")
        try await server.withConnection { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"),
                logger: PostgresTestServer.logger)
        }
    }

    /// Opens a connection to this database, runs `body` with it and closes it.
    ///
    /// - Parameter body: What to do with the connection; its errors pass through unchanged.
    /// - Returns: What `body` returns.
    /// - Throws: postgres-nio's `PSQLError` when the connection cannot be made, or what `body` throws.
    @discardableResult
    public func withConnection<Value>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await endpoint.withConnection(body)
    }
}

/// Runs `body` with a fresh database on the test server and drops the database
/// afterwards, whether `body` returns or throws.
///
/// ```swift
/// @Test func appendsAndReads() async throws {
///     try await withTestDatabase { db in
///         // open a store on db.url
///     }
/// }
/// ```
///
/// - Parameter body: The test's body; its errors pass through unchanged (a failed drop
///   after a thrown error is not reported over it).
/// - Returns: What `body` returns.
/// - Throws: What ``PostgresTestDatabase/create()``, `body` or ``PostgresTestDatabase/drop()`` throws.
public func withTestDatabase<Value>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresTestDatabase) async throws -> Value
) async throws -> Value {
    let database = try await PostgresTestDatabase.create()
    let value: Value
    do {
        value = try await body(database)
    } catch {
        try? await database.drop()
        throw error
    }
    try await database.drop()
    return value
}

extension PostgresTestDatabase {
    /// Runs `body` on a connection of its own to this database (not the store's pool), with a logger.
    public func withConnection(_ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        try await withConnection { connection in try await body(connection, PostgresTestServer.logger) }
    }
}
