internal import Foundation
internal import Logging
public import PostgresNIO

/// Where a PostgreSQL database is and how to log in to it: the parts of a
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` URL.
///
/// ```swift
/// let endpoint = try PostgresEndpoint(url: "postgres://chronicle:secret@127.0.0.1:5432/postgres")
/// let version = try await endpoint.withConnection { connection in
///     try await connection.query("SELECT version()", logger: PostgresTestServer.logger).collect()
/// }
/// ```
public struct PostgresEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    /// Reads the parts of a `postgres://` (or `postgresql://`) URL, with Foundation's `URLComponents`.
    ///
    /// The port defaults to 5432; the user, the host and the database (the path) are required.
    ///
    /// - Parameter url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, percent-encoded.
    /// - Throws: ``PostgresTestServerError`` naming what the URL lacks.
    public init(url: String) throws(PostgresTestServerError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw PostgresTestServerError("'\(url)' is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresTestServerError("'\(url)' names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw PostgresTestServerError("'\(url)' names no user")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresTestServerError("'\(url)' names no database (its path)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = database
    }

    public init(host: String, port: Int, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// The URL of these parts, percent-encoded: `postgres://USER:PASSWORD@HOST:PORT/DATABASE`.
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        // Every part is set and the path starts with "/": URLComponents always makes a string of them.
        return components.string!
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresEndpoint {
        var endpoint = self
        endpoint.database = database
        return endpoint
    }

    /// A postgres-nio configuration for these parts, without TLS (the test server listens on loopback).
    public var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }

    /// Opens a connection, runs `body` with it and closes it, whether `body` returns or throws.
    ///
    /// ```swift
    /// let rows = try await endpoint.withConnection { connection in
    ///     try await connection.query("SELECT current_database()", logger: PostgresTestServer.logger).collect()
    /// }
    /// ```
    ///
    /// - Parameter body: What to do with the connection; its errors pass through unchanged.
    /// - Returns: What `body` returns.
    /// - Throws: postgres-nio's `PSQLError` when the connection cannot be made (a wrong password,
    ///   a database that does not exist: `serverInfo[.sqlState]`), or what `body` throws.
    @discardableResult
    public func withConnection<Value>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: .random(in: 1...Int.max), logger: PostgresTestServer.logger)
        let value: Value
        do {
            value = try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return value
    }
}
