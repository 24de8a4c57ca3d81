@_spi(Implementing) internal import Chronicle
internal import PostgresNIO

/// An error thrown by the user's code (a projection's `prepare` or `reset`)
/// inside a ``PostgresDatabase/userTransaction(_:)``: carried past the error
/// mapping and rethrown unchanged.
struct UserCodeError: Error {
    let cause: any Error

    /// Runs the user's `body`, marking what it throws as theirs.
    static func marking<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw UserCodeError(cause: error)
        }
    }

    /// A `PSQLError` from a handler's own statement, made readable: postgres-nio
    /// hides the server's message from `PSQLError`'s description, which is what
    /// logs and dead letters show. Any other error is returned unchanged.
    static func readable(_ error: any Error, location: PostgresConfiguration) -> any Error {
        error is PSQLError ? PostgresErrorMapping.map(error, location: location) : error
    }
}

/// How a ``PostgresDatabase/userTransaction(_:)`` ends.
enum TransactionEnd<T: Sendable>: Sendable {
    case commit(T)
    case rollback(T)
}

extension PostgresDatabase {
    /// Runs `body` in a transaction on a pooled connection, which it commits
    /// or rolls back by its result; a throw rolls back too.
    ///
    /// Unlike ``transaction(_:)`` this keeps the user's errors: what `body`
    /// throws as a `UserCodeError` is rethrown as its cause, unchanged, while
    /// the store's own errors are mapped to `EventStoreError`s.
    func userTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> TransactionEnd<T>) async throws -> T {
        let logger = logger
        let outcome: Result<T, UserCodeError> = try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            let end: TransactionEnd<T>
            do {
                end = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                if let user = error as? UserCodeError { return .failure(user) }
                throw error
            }
            switch end {
            case .commit(let value):
                try await connection.query("COMMIT", logger: logger)
                return .success(value)
            case .rollback(let value):
                try await connection.query("ROLLBACK", logger: logger)
                return .success(value)
            }
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let user): throw user.cause
        }
    }
}
