public import Chronicle
internal import Foundation

/// The SQLite backend for tools that open stores by location: `sqlite:PATH`,
/// `sqlite://PATH` and bare paths.
///
/// Register it with the tool that should open SQLite stores; ChronicleCLI
/// itself knows no backend:
///
/// ```swift
/// import ChronicleCLI
/// import ChronicleSQLite
///
/// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend()])
/// ```
///
/// A leading `~/` in a path is expanded to the home directory. Opening a
/// location for `StoreAccess/existing` access refuses a missing or empty
/// file without creating it.
public struct SQLiteBackend: StoreBackend, StoreBenchmarking {
    /// The options stores are opened with (`chronicle bench` sets the durability itself).
    public let options: SQLiteEventStore.Options

    /// Creates the backend.
    ///
    /// ```swift
    /// let backend = SQLiteBackend(options: .init(durability: .normal))
    /// ```
    ///
    /// - Parameter options: The options every store it opens uses.
    public init(options: SQLiteEventStore.Options = .init()) {
        self.options = options
    }

    /// `"SQLite"`.
    public var name: String { "SQLite" }
    /// `sqlite`.
    public var schemes: [String] { ["sqlite"] }
    /// Bare paths are SQLite files.
    public var opensBarePaths: Bool { true }
    /// `sqlite:PATH`.
    public var locationForm: String { "sqlite:PATH" }

    /// Reads `sqlite:PATH`, `sqlite://PATH` or a bare path.
    ///
    /// ```swift
    /// let location = try SQLiteBackend().location(parsing: "sqlite:///var/lib/app/events.sqlite")
    /// location.address   // "/var/lib/app/events.sqlite"
    /// ```
    ///
    /// - Parameter text: The location as written.
    /// - Returns: A `sqlite` location whose address is the file's path.
    /// - Throws: `EventStoreError` (`invalidArgument`) when it names no file.
    public func location(parsing text: String) throws -> StoreLocation {
        // Prefixes are matched on the UTF-8 bytes: String's `hasPrefix` compares
        // Characters, and a combining mark after `sqlite:` would hide the scheme.
        let bytes = Array(text.utf8)
        func hasPrefix(_ prefix: String) -> Bool {
            let expected = Array(prefix.utf8)
            guard bytes.count >= expected.count else { return false }
            return zip(bytes, expected).allSatisfy { byte, wanted in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == wanted : byte == wanted
            }
        }
        var pathBytes = bytes[...]
        if hasPrefix("sqlite://") {
            pathBytes = bytes.dropFirst("sqlite://".utf8.count)
        } else if hasPrefix("sqlite:") {
            pathBytes = bytes.dropFirst("sqlite:".utf8.count)
        }
        guard !pathBytes.isEmpty else {
            throw EventStoreError.invalidArgument("the store location '\(text)' names no file: use sqlite:PATH")
        }
        var path = String(decoding: pathBytes, as: UTF8.self)
        // A path with "://" in it is a mistyped URL far more often than a file,
        // and no written form could tell it from one.
        if path.contains("://") {
            throw EventStoreError.invalidArgument(
                "the store location '\(text)' has a SQLite path that looks like a URL ('\(path)'): "
                    + "write a file's path, as in sqlite:data/events.sqlite")
        }
        if pathBytes.elementsEqual("~".utf8) || pathBytes.starts(with: "~/".utf8) {
            path = FileManager.default.homeDirectoryForCurrentUser.path + String(decoding: pathBytes.dropFirst(), as: UTF8.self)
        }
        return .sqlite(path: path)
    }

    /// Opens the store file at the location's path.
    ///
    /// ```swift
    /// let store = try await SQLiteBackend().open(.sqlite(path: "events.sqlite"), access: .createIfMissing)
    /// defer { store.close() }
    /// ```
    ///
    /// - Parameters:
    ///   - location: A `sqlite` location.
    ///   - access: Whether a missing (or empty) file may be initialised, or the
    ///     file is only read (``SQLiteEventStore/Options/readOnly``).
    /// - Returns: The open store, a ``SQLiteBackendStore``.
    /// - Throws: `EventStoreError`: `storageUnavailable` for a missing
    ///   or empty file when it must exist, for a directory, and when the file
    ///   cannot be reached; `notAChronicleStore`, `corruptStore` or `schemaTooNew`
    ///   as ``SQLiteEventStore/init(path:options:)``; `schemaTooOld` for a store
    ///   that needs migrating when `access` is `StoreAccess/readOnly`.
    public func open(_ location: StoreLocation, access: StoreAccess) async throws -> any BackendStore {
        try await open(location, access: access, options: options)
    }

    func open(_ location: StoreLocation, access: StoreAccess, options: SQLiteEventStore.Options) async throws
        -> SQLiteBackendStore
    {
        guard schemes.contains(location.scheme) else {
            throw EventStoreError.invalidArgument("'\(location)' is not a SQLite store location")
        }
        let path = location.address
        let existing = try Self.existingFileSize(path)
        if access != .createIfMissing {
            guard let existing else {
                throw EventStoreError(
                    code: .storageUnavailable,
                    message: "no store at '\(path)': create one with 'chronicle init --store \(location)'")
            }
            guard existing > 0 else {
                throw EventStoreError(
                    code: .storageUnavailable,
                    message: "store file '\(path)' is empty: initialise it with 'chronicle init --store \(location)'")
            }
        }
        var options = options
        options.readOnly = access == .readOnly
        let store = try await SQLiteEventStore(path: path, options: options)
        return SQLiteBackendStore(store, wasCreated: (existing ?? 0) == 0)
    }

    /// The size of the file at `path`, or `nil` when there is none.
    private static func existingFileSize(_ path: String) throws -> Int64? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            throw EventStoreError(code: .storageUnavailable, message: "store path '\(path)' is a directory")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

extension StoreLocation {
    /// A SQLite store file.
    ///
    /// ```swift
    /// let opened = try await SQLiteBackend().open(.sqlite(path: "events.sqlite"), access: .existing)
    /// ```
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The location `sqlite:PATH`.
    public static func sqlite(path: String) -> StoreLocation {
        StoreLocation(scheme: "sqlite", address: path)
    }
}
