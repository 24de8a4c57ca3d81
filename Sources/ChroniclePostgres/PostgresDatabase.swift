@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import Logging
internal import NIOSSL
internal import PostgresNIO

/// One store's connection pool: postgres-nio's `PostgresClient`, run by a
/// task of its own for as long as the store is open.
///
/// Opening connects once first, with a time limit, so that a wrong password,
/// a missing database or an unreachable host is one clear error at once
/// instead of requests waiting for a pool that keeps retrying.
final class PostgresDatabase: Sendable {
    let configuration: PostgresConfiguration
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(configuration: PostgresConfiguration, client: PostgresClient, logger: Logger, runner: Task<Void, Never>) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.runner = runner
    }

    /// Starts the pool's `run()` and returns once its task is running, so that
    /// the first query does not find the pool not yet started (postgres-nio
    /// warns about that, on every open).
    private static func run(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let runner = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        await Task.yield()
        return runner
    }

    /// Connects, checks the server answers, and starts the pool.
    ///
    /// - Parameters:
    ///   - configuration: Where the database is.
    ///   - startupParameters: Session settings every connection starts with
    ///     (`default_transaction_read_only`, `synchronous_commit`).
    ///   - logger: Where the pool logs.
    static func open(
        _ configuration: PostgresConfiguration, startupParameters: [(String, String)] = [], logger: Logger
    ) async throws -> PostgresDatabase {
        let tls = try tlsConfiguration(configuration)
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database,
            tls: tls.map { configuration.tls == .prefer ? .prefer($0) : .require($0) } ?? .disable)
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        clientConfiguration.options.additionalStartupParameters = startupParameters
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        let runner = await run(client)
        let database = PostgresDatabase(configuration: configuration, client: client, logger: logger, runner: runner)
        do {
            // One connection first, with a time limit, for a clear error.
            try await probe(configuration, tls: tls, startupParameters: startupParameters, logger: logger)
        } catch {
            database.close()
            throw error
        }
        return database
    }

    /// Stops the pool; queries after this fail.
    func close() {
        runner.cancel()
    }

    /// Runs `body` on a pooled connection.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresErrorMapping.map(error, location: configuration)
        }
    }

    /// Runs a read on a pooled connection, once more on a fresh connection when
    /// the first was lost (the server ended the session, a network blip): a
    /// read has no effect to repeat, and a follower should not stop for that.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as PSQLError where Self.isLostConnection(error) {
            logger.debug("a read lost its connection; trying once more", metadata: ["error": "\(error.code)"])
            return try await withConnection(body)
        } catch {
            throw PostgresErrorMapping.map(error, location: configuration)
        }
    }

    /// Whether the error says the connection went away (not that the server refused the statement).
    static func isLostConnection(_ error: PSQLError) -> Bool {
        [.clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown].contains(error.code)
    }

    /// Runs `body` in a transaction on a pooled connection: committed when it
    /// returns, rolled back when it throws (its own error is rethrown).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await Self.transaction(on: connection, logger: logger, body)
        }
    }

    /// Runs `body` in a transaction on `connection`.
    static func transaction<T: Sendable>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }

    /// The TLS settings for the mode (nil: plain TCP).
    static func tlsConfiguration(_ configuration: PostgresConfiguration) throws -> TLSConfiguration? {
        switch configuration.tls {
        case .disable:
            return nil
        case .prefer, .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return tls
        case .verifyFull:
            return TLSConfiguration.makeClientConfiguration()
        }
    }

    /// Connects once and runs `SELECT 1`, within the connect timeout.
    private static func probe(
        _ configuration: PostgresConfiguration, tls: TLSConfiguration?, startupParameters: [(String, String)],
        logger: Logger
    ) async throws {
        let connectionConfiguration = try Self.connectionConfiguration(
            configuration, tls: tls, startupParameters: startupParameters)
        let timeout = configuration.connectTimeout
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let connection = try await PostgresConnection.connect(
                        configuration: connectionConfiguration, id: 0, logger: logger)
                    do {
                        try await connection.query("SELECT 1", logger: logger)
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try await connection.close()
                }
                group.addTask {
                    // Login can hang where the TCP connect did not (a server stuck at startup).
                    try await Task.sleep(for: timeout + .seconds(1))
                    throw EventStoreError(
                        code: .storageUnavailable,
                        message: "PostgreSQL at \(configuration) did not answer within \(timeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw PostgresErrorMapping.map(error, location: configuration)
        }
    }

    /// The settings of one connection (not pooled) to `configuration`'s database.
    static func connectionConfiguration(
        _ configuration: PostgresConfiguration, tls: TLSConfiguration?, startupParameters: [(String, String)]
    ) throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS
        do {
            switch (tls, configuration.tls) {
            case (nil, _): connectionTLS = .disable
            case (let tls?, .prefer): connectionTLS = .prefer(try NIOSSLContext(configuration: tls))
            case (let tls?, _): connectionTLS = .require(try NIOSSLContext(configuration: tls))
            }
        } catch {
            throw EventStoreError(
                code: .storageUnavailable, message: "cannot set up TLS for \(configuration): \(error)", cause: error)
        }
        var connectionConfiguration = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: connectionTLS)
        let (seconds, attoseconds) = configuration.connectTimeout.components
        connectionConfiguration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        connectionConfiguration.options.additionalStartupParameters = startupParameters
        return connectionConfiguration
    }
}
