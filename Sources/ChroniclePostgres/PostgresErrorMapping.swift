@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import PostgresNIO

/// Turns postgres-nio's errors into ``EventStoreError``s that say, in one
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

    /// Maps an error met while opening or using the store at `location`.
    static func map(_ error: any Error, location: PostgresConfiguration) -> any Error {
        if error is EventStoreError || error is CancellationError { return error }
        // The whole location (password masked), so a message names the database too.
        let server = "PostgreSQL at \(location)"
        guard let psql = error as? PSQLError else {
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed: \(error)", cause: error)
        }
        switch sqlState(error) {
        case "28P01", "28000":
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) refused the login of '\(location.username)': \(reason(error))", cause: error)
        case "3D000":
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) has no database '\(location.database)': create it (createdb \(location.database))",
                cause: error)
        case "53300":
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) has no connection left: \(reason(error))", cause: error)
        case "53100":
            return EventStoreError(code: .storageFull, message: "\(server) is out of disk: \(reason(error))", cause: error)
        case "25006":
            return EventStoreError(code: .readOnly, message: "\(server) is read-only: \(reason(error))", cause: error)
        case let state?:
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed (SQLSTATE \(state)): \(reason(error))",
                cause: error)
        case nil:
            break
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection:
            return EventStoreError(
                code: .storageUnavailable, message: "cannot reach \(server): \(connectionFailure(psql))", cause: error)
        case .sslUnsupported:
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) does not offer TLS, which sslmode=\(location.tls.rawValue) requires", cause: error)
        case .authMechanismRequiresPassword:
            return EventStoreError(
                code: .storageUnavailable,
                message: "\(server) asks '\(location.username)' for a password and the URL has none", cause: error)
        default:
            return EventStoreError(
                code: .storageUnavailable, message: "\(server) failed: \(reason(error))", cause: error)
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
