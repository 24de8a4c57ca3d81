internal import Foundation

/// Where a store lives, as a backend understands it: the backend's scheme and
/// an address in the backend's own terms (a file path, a connection URL).
///
/// Backends make locations from what users write (`sqlite:events.sqlite`,
/// `postgres://db/events`) in ``StoreBackend/location(parsing:)``; tools pick
/// the backend by ``scheme``.
///
/// ```swift
/// let location = StoreLocation(scheme: "sqlite", address: "data/events.sqlite")
/// location.description   // "sqlite:data/events.sqlite"
/// ```
public struct StoreLocation: Hashable, Sendable, CustomStringConvertible {
    /// The scheme of the backend that opens it, lowercased: `"sqlite"`, `"postgres"`.
    public let scheme: String
    /// The address in the backend's terms: a SQLite file's path, a PostgreSQL URL.
    public let address: String

    /// Creates a location.
    ///
    /// ```swift
    /// let location = StoreLocation(scheme: "postgres", address: "postgres://ada@db/events")
    /// ```
    ///
    /// - Parameters:
    ///   - scheme: The backend's scheme (stored lowercased).
    ///   - address: The path or URL the backend opens.
    public init(scheme: String, address: String) {
        self.scheme = scheme.lowercased()
        self.address = address
    }

    /// The location as a user writes it, with any password hidden: a URL
    /// address as it is (`postgres://ada:***@db/events`), any other address
    /// after its scheme (`sqlite:events.sqlite`, or `sqlite://PATH` for a path
    /// that starts with `//`).
    ///
    /// ```swift
    /// StoreLocation(scheme: "postgres", address: "postgres://ada:secret@db/events").description
    /// // "postgres://ada:***@db/events"
    /// ```
    public var description: String {
        if let schemeEnd = address.range(of: "://"), !address[..<schemeEnd.lowerBound].contains("/") {
            guard var components = URLComponents(string: address) else { return Self.maskingUnparsed(address) }
            guard components.password != nil else { return address }
            components.password = "***"
            return components.string ?? Self.maskingUnparsed(address)
        }
        return address.utf8.starts(with: "//".utf8) ? "\(scheme)://\(address)" : "\(scheme):\(address)"
    }

    /// A URL that does not parse (a password with `#`, `/` or `?` in it, say)
    /// with everything from the first `:` after `://` to the last `@` masked:
    /// more than the password, perhaps, but never less.
    private static func maskingUnparsed(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url.range(of: "@", options: .backwards),
            at.lowerBound > schemeEnd.upperBound,
            let colon = url[schemeEnd.upperBound..<at.lowerBound].firstIndex(of: ":")
        else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}
