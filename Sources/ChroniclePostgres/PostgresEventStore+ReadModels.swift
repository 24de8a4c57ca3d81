public import PostgresNIO

extension PostgresEventStore {
    /// Runs a query on a connection of the store's pool: the way to read the
    /// read models that exactly-once projections and inboxes keep in the
    /// store's database (PostgreSQL's counterpart of SQLite's `store.read`).
    ///
    /// The closure gets postgres-nio's `PostgresConnection` for its own
    /// statements; it reads what is committed. Keep writes out of it: a read
    /// model is written by its projection (``PostgresProjection``) or inbox
    /// (``PostgresInbox``), in the transaction that moves their checkpoint. When
    /// the connection is lost under the closure (the server ended the session),
    /// it runs once more on a fresh connection, so it must have no effect of its own.
    ///
    /// ```swift
    /// let paid = try await store.read { connection in
    ///     var count = 0
    ///     for try await n in try await connection.query(
    ///         "SELECT count(*) FROM order_summary WHERE status = 'paid'", logger: logger
    ///     ).decode(Int.self) {
    ///         count = n
    ///     }
    ///     return count
    /// }
    /// ```
    ///
    /// - Parameter body: The query.
    /// - Returns: What `body` returns.
    /// - Throws: `EventStoreError` (`storageUnavailable`) when no connection can
    ///   be had, and for a statement the server refuses, with its SQLSTATE and
    ///   message (a `PostgresServerError` as its `cause`); any other error thrown
    ///   by `body` passes through unchanged.
    public func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        // The body's own errors travel as a value, past the mapping of the pool's errors.
        let outcome: Result<T, UserCodeError> = try await database.read { connection in
            do {
                return .success(try await body(connection))
            } catch let error as PSQLError {
                throw error
            } catch {
                return .failure(UserCodeError(cause: error))
            }
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw error.cause
        }
    }
}
