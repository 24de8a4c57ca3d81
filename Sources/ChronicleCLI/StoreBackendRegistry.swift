public import Chronicle
internal import Foundation

/// The store backends a tool ships, chosen by a location's scheme: how
/// `--store` and `CHRONICLE_STORE` become an open store.
///
/// ChronicleCLI knows no backend itself. Each executable registers those it
/// ships when it starts, in ``CommandRunner/main(_:backends:)`` (which binds
/// ``current`` for the run):
///
/// ```swift
/// import ChronicleCLI
/// import ChronicleSQLite
///
/// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend()])
/// ```
///
/// A location is `SCHEME://…` or `SCHEME:…` for a registered scheme, else a
/// bare path, which goes to the backend that ``Chronicle/StoreBackend/opensBarePaths``.
/// `postgres://` and `postgresql://` locations without a registered backend
/// fail with one line (exit status 1); other unknown `SCHEME://` locations are
/// bad input (2).
public struct StoreBackendRegistry: Sendable {
    /// The backends, in the order they are consulted.
    public let backends: [any StoreBackend]

    /// The backends of the running command: those given to
    /// ``CommandRunner/main(_:backends:)`` or ``CommandRunner/run(_:arguments:backends:)``.
    ///
    /// ```swift
    /// let status = await StoreBackendRegistry.$current.withValue(StoreBackendRegistry([SQLiteBackend()])) {
    ///     await CommandRunner.run(ShopAdmin.self, arguments: ["stats"])
    /// }
    /// ```
    @TaskLocal public static var current: StoreBackendRegistry = StoreBackendRegistry([])

    /// Schemes the CLI recognises before their backend is registered, with the
    /// backend's name for the message.
    static let awaitedSchemes = ["postgres": "PostgreSQL", "postgresql": "PostgreSQL"]

    /// Creates a registry.
    ///
    /// ```swift
    /// let registry = StoreBackendRegistry([SQLiteBackend()])
    /// ```
    ///
    /// - Parameter backends: The backends; for a scheme two of them take, the first wins.
    public init(_ backends: [any StoreBackend]) {
        self.backends = backends
    }

    /// Parses a location as written after `--store` and picks its backend.
    ///
    /// ```swift
    /// let location = try StoreBackendRegistry([SQLiteBackend()]).location(parsing: "events.sqlite")
    /// location.description   // "sqlite:events.sqlite"
    /// ```
    ///
    /// - Parameter text: `SCHEME:…`, `SCHEME://…` or a bare path.
    /// - Returns: The location, made by its backend.
    /// - Throws: ``CommandError``: bad input for an unknown scheme or a location
    ///   its backend rejects; a failure for a PostgreSQL location without its
    ///   backend, or a bare path when no backend takes bare paths.
    public func location(parsing text: String) throws -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let backend: any StoreBackend
        let parsed = Self.scheme(of: trimmed)
        if let parsed, let found = self.backend(scheme: parsed.scheme) {
            backend = found
        } else if let parsed, parsed.isURL {
            let scheme = parsed.scheme
            if let name = Self.awaitedSchemes[scheme] {
                let known = backends.isEmpty ? "" : "; use " + forms
                throw CommandError(.failure, "\(name) stores are not supported by this build of chronicle yet\(known)")
            }
            let known = backends.isEmpty ? "" : ": use " + forms
            throw CommandError(.badInput, "unknown store scheme '\(scheme)' in '\(text)'\(known)")
        } else if let found = backends.first(where: \.opensBarePaths) {
            backend = found
        } else {
            throw CommandError(
                .failure,
                backends.isEmpty
                    ? "this tool registers no store backend, so it cannot open '\(text)'"
                    : "'\(text)' names no backend: use \(forms)")
        }
        do {
            return try backend.location(parsing: trimmed)
        } catch let error as EventStoreError where error.code == .invalidArgument {
            throw CommandError(.badInput, error.message)
        }
    }

    /// The backend that opens a location.
    ///
    /// ```swift
    /// let backend = try registry.backend(for: .sqlite(path: "events.sqlite"))
    /// ```
    ///
    /// - Parameter location: A parsed location.
    /// - Returns: The first backend that takes its scheme.
    /// - Throws: ``CommandError`` (failure) when none does.
    public func backend(for location: StoreLocation) throws -> any StoreBackend {
        if let backend = backend(scheme: location.scheme) { return backend }
        let name = Self.awaitedSchemes[location.scheme] ?? "'\(location.scheme)'"
        throw CommandError(.failure, "\(name) stores are not supported by this build of chronicle yet")
    }

    /// Opens a location with its backend.
    ///
    /// ```swift
    /// let opened = try await registry.open(.sqlite(path: "events.sqlite"), access: .existing)
    /// defer { opened.close() }
    /// ```
    ///
    /// - Parameters:
    ///   - location: A parsed location.
    ///   - access: Whether a missing store may be created.
    /// - Returns: The open store.
    /// - Throws: ``CommandError`` when no backend takes the location;
    ///   ``Chronicle/EventStoreError`` when the store is missing, damaged or unreachable.
    public func open(_ location: StoreLocation, access: StoreAccess) async throws -> OpenedStore {
        let backend = try backend(for: location)
        let opened = try await backend.open(location, access: access)
        return OpenedStore(location: location, backend: backend, opened: opened)
    }

    private func backend(scheme: String) -> (any StoreBackend)? {
        backends.first { $0.schemes.contains(scheme) }
    }

    /// How the registered backends' locations are written: `sqlite:PATH or postgres://…`.
    private var forms: String {
        backends.map(\.locationForm).joined(separator: " or ")
    }

    /// The scheme a location starts with (lowercased), and whether `//` follows
    /// its colon; `nil` for a bare path. Read on the UTF-8 bytes: a combining
    /// mark after `sqlite:` must not hide the scheme.
    static func scheme(of text: String) -> (scheme: String, isURL: Bool)? {
        let bytes = Array(text.utf8)
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
        guard let first = bytes.first, isLetter(first) else { return nil }
        var end = 1
        while end < bytes.count {
            let byte = bytes[end]
            guard isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { break }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ":") else { return nil }
        let scheme = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let isURL = bytes[(end + 1)...].starts(with: "//".utf8)
        return (scheme, isURL)
    }
}
