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
        // Prefixes are matched on the UTF-8 bytes: String's `hasPrefix` compares
        // Characters, and a combining mark after `sqlite:` would hide the scheme.
        let bytes = Array(trimmed.utf8)
        func hasPrefix(_ prefix: String) -> Bool {
            let expected = Array(prefix.utf8)
            guard bytes.count >= expected.count else { return false }
            return zip(bytes, expected).allSatisfy { byte, wanted in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == wanted : byte == wanted
            }
        }
        if hasPrefix("postgres://") || hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
            return
        }
        var pathBytes = bytes[...]
        if hasPrefix("sqlite://") {
            pathBytes = bytes.dropFirst("sqlite://".utf8.count)
        } else if hasPrefix("sqlite:") {
            pathBytes = bytes.dropFirst("sqlite:".utf8.count)
        } else if let schemeEnd = Self.firstIndex(of: Array("://".utf8), in: bytes) {
            let scheme = String(decoding: bytes[..<schemeEnd], as: UTF8.self)
            throw CommandError(
                .badInput, "unknown store scheme '\(scheme)' in '\(text)': use sqlite:PATH or postgres://…")
        }
        guard !pathBytes.isEmpty else {
            throw CommandError(.badInput, "the store location '\(text)' names no file: use sqlite:PATH")
        }
        var path = String(decoding: pathBytes, as: UTF8.self)
        if pathBytes.elementsEqual("~".utf8) || pathBytes.starts(with: "~/".utf8) {
            path = FileManager.default.homeDirectoryForCurrentUser.path + String(decoding: pathBytes.dropFirst(), as: UTF8.self)
        }
        self = .sqlite(path: path)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// The location as written on the command line (`sqlite:PATH`); a
    /// PostgreSQL URL's password is hidden.
    public var description: String {
        switch self {
        case .sqlite(let path):
            // `sqlite://` is a prefix of its own: a path starting with `//` keeps it written out.
            return path.utf8.starts(with: "//".utf8) ? "sqlite://\(path)" : "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url), components.password != nil else { return url }
            components.password = "***"
            return components.string ?? url
        }
    }
}
