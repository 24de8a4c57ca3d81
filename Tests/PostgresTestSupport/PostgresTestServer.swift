internal import Foundation
public import Logging

/// The PostgreSQL server every PostgreSQL test runs against: the throwaway one
/// `Scripts/test.sh` starts (Scripts/postgres-server.sh), named by the
/// `CHRONICLE_TEST_POSTGRES_URL` environment variable.
///
/// Without the variable the tests fail, they never skip: a run that says
/// "passed" has exercised the PostgreSQL backend. Tests do not use the server's
/// `postgres` database; each makes one of its own with ``PostgresTestDatabase``.
///
/// To run the PostgreSQL tests alone, start a server in the shell first:
/// `source Scripts/postgres-server.sh && postgres_server_start`, then
/// `swift test --skip-build --filter ChroniclePostgresTests; postgres_server_stop`.
///
/// ```swift
/// let server = try PostgresTestServer.endpoint   // host, port, username, password, "postgres"
/// ```
public enum PostgresTestServer {
    /// The environment variable naming the server: `postgres://USER:PASSWORD@HOST:PORT/postgres`.
    public static let environmentVariable = "CHRONICLE_TEST_POSTGRES_URL"

    /// A logger that drops postgres-nio's messages (the errors it throws carry what a test needs).
    public static let logger = Logger(label: "chronicle.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's URL, from `CHRONICLE_TEST_POSTGRES_URL`.
    ///
    /// A string, as `PostgresEventStore(url:)` takes it.
    ///
    /// - Throws: ``PostgresTestServerError`` when the variable is unset or empty
    ///   ("set CHRONICLE_TEST_POSTGRES_URL or run Scripts/test.sh").
    public static var url: String {
        get throws(PostgresTestServerError) { try url(in: ProcessInfo.processInfo.environment) }
    }

    /// The server's URL split in its parts, from `CHRONICLE_TEST_POSTGRES_URL`.
    ///
    /// - Throws: ``PostgresTestServerError`` when the variable is unset, empty or not a `postgres://` URL.
    public static var endpoint: PostgresEndpoint {
        get throws(PostgresTestServerError) { try PostgresEndpoint(url: url) }
    }

    /// The server's URL as `environment` names it (``url`` reads the process's environment).
    ///
    /// - Parameter environment: Environment variables, as `ProcessInfo.environment` gives them.
    /// - Throws: ``PostgresTestServerError`` when `CHRONICLE_TEST_POSTGRES_URL` is unset or empty.
    public static func url(in environment: [String: String]) throws(PostgresTestServerError) -> String {
        guard let value = environment[environmentVariable], !value.isEmpty else {
            throw PostgresTestServerError(
                "no PostgreSQL server for the tests: set \(environmentVariable) or run Scripts/test.sh"
                    + " (it starts a throwaway server)")
        }
        return value
    }
}

/// Why the PostgreSQL tests cannot reach their server: the variable naming it is
/// unset, or its URL lacks a part.
public struct PostgresTestServerError: Error, CustomStringConvertible, Sendable {
    /// One line saying what is wrong and what to do.
    public var description: String

    public init(_ description: String) { self.description = description }
}
