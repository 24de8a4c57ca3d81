@_spi(Implementing) internal import Chronicle
internal import Logging
internal import PostgresNIO

extension PostgresDatabase {
    /// Runs `body` on one connection of its own (not the pool's) to
    /// `configuration`'s database, then closes it: for work outside any store,
    /// such as creating and dropping the databases `chronicle bench` measures.
    ///
    /// Logging in is limited to the connect timeout (plus a second), as when a
    /// store opens; `body` is not.
    ///
    /// - Throws: The mapped error (see ``PostgresErrorMapping``), naming `configuration`.
    static func withSingleConnection<T: Sendable>(
        _ configuration: PostgresConfiguration, logger: Logger,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(configuration, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw PostgresErrorMapping.map(error, location: configuration)
        }
    }

    /// One logged-in connection, within the connect timeout.
    private static func connect(_ configuration: PostgresConfiguration, logger: Logger) async throws
        -> PostgresConnection
    {
        let connectionConfiguration = try Self.connectionConfiguration(
            configuration, tls: try tlsConfiguration(configuration), startupParameters: [])
        let timeout = configuration.connectTimeout
        do {
            return try await withThrowingTaskGroup(of: PostgresConnection?.self) { group in
                group.addTask {
                    try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
                }
                group.addTask {
                    try await Task.sleep(for: timeout + .seconds(1))
                    throw EventStoreError(
                        code: .storageUnavailable,
                        message: "PostgreSQL at \(configuration) did not answer within \(timeout)")
                }
                defer { group.cancelAll() }
                guard let connection = try await group.next() ?? nil else { throw CancellationError() }
                return connection
            }
        } catch {
            throw PostgresErrorMapping.map(error, location: configuration)
        }
    }
}
