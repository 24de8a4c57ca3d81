internal import Chronicle
internal import Foundation

/// Where a PostgreSQL store lives and how to reach it: parsed from a
/// `postgres://` URL, the form `--store` and `CHRONICLE_STORE` take.
///
/// ```swift
/// let configuration = try PostgresConfiguration(url: "postgres://app:secret@db.internal:5432/orders?sslmode=require")
/// print(configuration)   // postgres://app:***@db.internal:5432/orders?sslmode=require
/// ```
///
/// The password is kept for connecting only: ``description`` masks it, and
/// so does every error the store reports.
public struct PostgresConfiguration: Hashable, Sendable, CustomStringConvertible {
    /// How the connection is encrypted, after libpq's `sslmode`.
    public enum TLSMode: String, Hashable, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without verifying the certificate.
        case require
        /// TLS or no connection, with the certificate and host name verified.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port (5432 unless the URL names one).
    public var port: Int
    /// The role to connect as.
    public var username: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database holding the store's tables.
    public var database: String
    /// The connection's encryption.
    public var tls: TLSMode
    /// The most connections the store's pool opens (default 20).
    public var maximumConnections: Int
    /// How long connecting may take before the store gives up (default 10 s).
    public var connectTimeout: Duration

    /// Creates a configuration from its parts.
    ///
    /// ```swift
    /// let configuration = PostgresConfiguration(host: "localhost", username: "app", password: nil, database: "orders")
    /// ```
    ///
    /// - Parameters:
    ///   - host: The server's host name or address.
    ///   - port: The server's port.
    ///   - username: The role to connect as.
    ///   - password: The role's password.
    ///   - database: The database.
    ///   - tls: The connection's encryption.
    ///   - maximumConnections: The pool's size.
    ///   - connectTimeout: How long connecting may take.
    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String,
        tls: TLSMode = .prefer, maximumConnections: Int = 20, connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=MODE`
    /// (`postgresql://` too).
    ///
    /// ```swift
    /// let configuration = try PostgresConfiguration(url: "postgres://app@localhost/orders")
    /// ```
    ///
    /// The user and password may be percent-encoded. The port defaults to
    /// 5432, the database to the user's name, `sslmode` to `prefer`. Other
    /// query parameters: `pool` (the pool's size, 1 to 1000) and
    /// `connect_timeout` (seconds, 1 to 3600).
    ///
    /// - Parameter url: The URL.
    /// - Throws: `EventStoreError` `.invalidArgument` naming what is wrong,
    ///   with the password masked.
    public init(url: String) throws {
        let masked = StoreLocation(scheme: "postgres", address: url).description
        func invalid(_ reason: String) -> EventStoreError {
            EventStoreError.invalidArgument("'\(masked)' is not a PostgreSQL URL: \(reason)")
        }
        guard let components = URLComponents(string: url) else { throw invalid("it does not parse as a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("it must start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw invalid("it names no host (postgres://user:password@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("it names no user (postgres://user:password@host:port/database)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if path.contains("/") { throw invalid("the database name '\(path)' contains '/'") }
        var configuration = PostgresConfiguration(
            host: host, port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: path.isEmpty ? (user.removingPercentEncoding ?? user) : (path.removingPercentEncoding ?? path))
        if !(1...65_535).contains(configuration.port) { throw invalid("port \(configuration.port) is out of range") }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw invalid("sslmode '\(value)' is not one of disable, prefer, require, verify-full")
                }
                configuration.tls = mode
            case "pool":
                guard let size = Int(value), (1...1_000).contains(size) else {
                    throw invalid("pool '\(value)' is not a number of connections from 1 to 1000")
                }
                configuration.maximumConnections = size
            case "connect_timeout":
                guard let seconds = Int(value), (1...3_600).contains(seconds) else {
                    throw invalid("connect_timeout '\(value)' is not a number of seconds from 1 to 3600")
                }
                configuration.connectTimeout = .seconds(seconds)
            default:
                throw invalid("unknown parameter '\(item.name)' (known: sslmode, pool, connect_timeout)")
            }
        }
        self = configuration
    }

    /// The URL with the password masked: what errors, logs and `stats` show.
    public var description: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password == nil ? nil : "***"
        components.host = host
        components.port = port
        components.path = "/" + database
        var query: [URLQueryItem] = []
        if tls != .prefer { query.append(URLQueryItem(name: "sslmode", value: tls.rawValue)) }
        if maximumConnections != 20 { query.append(URLQueryItem(name: "pool", value: String(maximumConnections))) }
        if connectTimeout != .seconds(10) {
            query.append(URLQueryItem(name: "connect_timeout", value: String(connectTimeout.components.seconds)))
        }
        if !query.isEmpty { components.queryItems = query }
        return components.string ?? "postgres://\(host):\(port)/\(database)"
    }
}
