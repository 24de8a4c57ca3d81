public import ChroniclePostgres
internal import Foundation
public import Logging
public import PostgresNIO

/// A fresh database on the test server, for one test (shared by the
/// PostgreSQL store tests and the CLI tests).
///
/// The server is the one Scripts/test.sh starts (`CHRONICLE_TEST_POSTGRES_URL`,
/// a superuser URL); without it the tests fail with a message saying so.
public struct PostgresTestDatabase: Sendable {
    /// There is no test server.
    public struct NoServer: Error, CustomStringConvertible {
        public var description: String {
            "no PostgreSQL test server: set CHRONICLE_TEST_POSTGRES_URL (a superuser URL) or run Scripts/test.sh"
        }
    }

    /// The database's URL (the server's credentials).
    public let url: String
    /// Its name.
    public let name: String
    /// The server's URL.
    public let serverURL: String

    /// The server's URL from the environment.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CHRONICLE_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw NoServer()
        }
        return url
    }

    /// Creates a fresh, uniquely named database.
    public static func create() async throws -> PostgresTestDatabase {
        let server = try serverURL()
        let name = "chronicle_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await admin(server) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var components = URLComponents(string: server)!
        components.path = "/" + name
        return PostgresTestDatabase(url: components.string!, name: String(name), serverURL: server)
    }

    /// Drops the database, closing its connections.
    public func drop() async throws {
        try await Self.admin(serverURL) { connection, logger in
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// Opens a store on the database.
    public func openStore(options: PostgresEventStore.Options = .init()) async throws -> PostgresEventStore {
        try await PostgresEventStore(url: url, options: options)
    }

    /// Runs `body` with a connection to the server's own database.
    public static func admin(
        _ server: String, _ body: (PostgresConnection, Logger) async throws -> Void
    ) async throws {
        let configuration = try PostgresConfiguration(url: server)
        let logger = Logger(label: "chronicle.tests.postgres")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection, logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// Runs `body` with a store on a fresh database, then closes it and drops the database.
public func withPostgresStore(
    options: PostgresEventStore.Options = .init(), _ body: (PostgresEventStore, PostgresTestDatabase) async throws -> Void
) async throws {
    let database = try await PostgresTestDatabase.create()
    do {
        let store = try await database.openStore(options: options)
        do {
            try await body(store, database)
        } catch {
            store.close()
            throw error
        }
        store.close()
    } catch {
        try? await database.drop()
        throw error
    }
    try await database.drop()
}
