internal import Foundation

/// Where a store lives, as written on the command line or in `CHRONICLE_STORE`.
///
/// - `sqlite:PATH` (or `sqlite://PATH`): a SQLite store file;
/// - a bare path such as `events.sqlite` or `/var/lib/app/events.sqlite`: the same;
/// - `postgres://…` / `postgresql://…`: a PostgreSQL store (recognised, not
///   supported by this build yet).
///
/// A leading `~/` in a path is expanded to the home directory.
///
/// ```swift
/// let location = try StoreLocation(parsing: "sqlite:data/events.sqlite")
/// location.description   // "sqlite:data/events.sqlite"
/// ```
public enum StoreLocation: Hashable, Sendable, CustomStringConvertible {
    /// A SQLite store file.
    case sqlite(path: String)
    /// A PostgreSQL server, as a connection URL.
    case postgres(url: String)

    /// Parses a store location.
    ///
    /// - Parameter text: `sqlite:PATH`, a bare path, or a `postgres://` URL.
    /// - Throws: ``CommandError`` (bad input) for an empty location, an empty
    ///   path or an unknown scheme.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowercased = trimmed.lowercased()
        if lowercased.hasPrefix("postgres://") || lowercased.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
            return
        }
        var path = trimmed
        if lowercased.hasPrefix("sqlite://") {
            path = String(trimmed.dropFirst("sqlite://".count))
        } else if lowercased.hasPrefix("sqlite:") {
            path = String(trimmed.dropFirst("sqlite:".count))
        } else if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound]
            throw CommandError(
                .badInput, "unknown store scheme '\(scheme)' in '\(text)': use sqlite:PATH or postgres://…")
        }
        guard !path.isEmpty else {
            throw CommandError(.badInput, "the store location '\(text)' names no file: use sqlite:PATH")
        }
        if path == "~" || path.hasPrefix("~/") {
            path = FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
        }
        self = .sqlite(path: path)
    }

    /// The location as written on the command line (`sqlite:PATH`); a
    /// PostgreSQL URL's password is hidden.
    public var description: String {
        switch self {
        case .sqlite(let path):
            // `sqlite://` is a prefix of its own: a path starting with `//` keeps it written out.
            return path.hasPrefix("//") ? "sqlite://\(path)" : "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url), components.password != nil else { return url }
            components.password = "***"
            return components.string ?? url
        }
    }
}
