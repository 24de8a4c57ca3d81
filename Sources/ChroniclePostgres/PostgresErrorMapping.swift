@_spi(Implementing) internal import Chronicle
internal import Foundation
public import PostgresNIO

/// Turns postgres-nio's errors into `EventStoreError`s that say, in one
/// line, what happened and where (the location with its password masked).
enum PostgresErrorMapping {
    /// The server's SQLSTATE for an error it sent, if it is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Whether the error is a unique-constraint violation (23505).
    static func isUniqueViolation(_ error: any Error) -> Bool { sqlState(error) == "23505" }

    /// The server's own message, or postgres-nio's code name.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// The error as an `EventStoreError`'s cause: postgres-nio's `PSQLError`
    /// describes itself as a generic text (so as not to leak data), which would
    /// end every message; ``PostgresServerError`` says what the server said and
    /// keeps the `PSQLError` for code that inspects it.
    static func readable(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        return PostgresServerError(
            sqlState: psql.serverInfo?[.sqlState], message: reason(psql), detail: psql.serverInfo?[.detail],
            underlying: psql)
    }

    /// Maps an error met while opening or using the store at `location`.
    static func map(_ error: any Error, location: PostgresConfiguration) -> any Error {
        if error is EventStoreError || error is CancellationError { return error }
        // The whole location (password masked), so a message names the database too.
        let server = "PostgreSQL at \(location)"
        guard let psql = error as? PSQLError else {
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed: \(error)", cause: readable(error))
        }
        switch sqlState(error) {
        case "28P01", "28000":
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) refused the login of '\(location.username)': \(reason(error))", cause: readable(error))
        case "3D000":
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) has no database '\(location.database)': create it (createdb \(location.database))",
                cause: readable(error))
        case "53300":
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) has no connection left: \(reason(error))", cause: readable(error))
        case "53100":
            return EventStoreError(code: .storageFull, message: "\(server) is out of disk: \(reason(error))", cause: readable(error))
        case "25006":
            return EventStoreError(code: .readOnly, message: "\(server) is read-only: \(reason(error))", cause: readable(error))
        case let state?:
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed (SQLSTATE \(state)): \(reason(error))",
                cause: readable(error))
        case nil:
            break
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection:
            return EventStoreError(
                code: .storageUnavailable, message: "cannot reach \(server): \(connectionFailure(psql))", cause: readable(error))
        case .sslUnsupported:
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) does not offer TLS, which sslmode=\(location.tls.rawValue) requires", cause: readable(error))
        case .authMechanismRequiresPassword:
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) asks '\(location.username)' for a password and the URL has none", cause: readable(error))
        default:
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed: \(reason(error))", cause: readable(error))
        }
    }

    /// What went wrong connecting, in a few words when NIO's description is
    /// one of the usual ones (it nests every attempt's error in one long line).
    static func connectionFailure(_ error: PSQLError) -> String {
        if error.code == .serverClosedConnection && error.underlying == nil { return "the server closed the connection" }
        let text = error.underlying.map { "\($0)" } ?? "no connection"
        for (fragment, short) in [
            ("Connection refused", "connection refused"), ("No route to host", "no route to host"),
            ("Network is unreachable", "network is unreachable"), ("timed out", "connection timed out"),
            ("connectTimeout", "connection timed out"),
        ] where text.contains(fragment) {
            return short
        }
        return text
    }
}

/// What the server (or postgres-nio) reported, readable: the cause of the
/// `EventStoreError`s the PostgreSQL store throws.
///
/// ```swift
/// if let server = (error as? EventStoreError)?.cause as? PostgresServerError { print(server.sqlState ?? "-") }
/// ```
public struct PostgresServerError: Error, CustomStringConvertible, @unchecked Sendable {
    /// The SQLSTATE, when the server sent the error.
    public let sqlState: String?
    /// The server's message, or postgres-nio's code.
    public let message: String
    /// The server's detail line, if any.
    public let detail: String?
    /// postgres-nio's error, for code that inspects it.
    public let underlying: PSQLError

    public var description: String {
        var text = sqlState.map { "SQLSTATE \($0): \(message)" } ?? message
        if let detail { text += " (\(detail))" }
        return text
    }
}
