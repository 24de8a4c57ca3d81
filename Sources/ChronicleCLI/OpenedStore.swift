public import Chronicle
public import ChronicleSQLite
internal import Foundation

/// A store opened by a command, with what tools need beyond the event log:
/// its location, schema version and files.
///
/// ```swift
/// let opened = try await OpenedStore.open(.sqlite(path: "events.sqlite"), access: .existing)
/// defer { opened.close() }
/// let statistics = try await opened.store.statistics()
/// ```
public struct OpenedStore: Sendable {
    /// Where the store is.
    public let location: StoreLocation
    /// The store: its log, its stream catalog and its import.
    public let store: any StreamCatalog & EventStoreImporting
    /// Whether opening created the store.
    public let wasCreated: Bool

    /// The SQLite store itself: what a ``ProjectionCatalog`` builds projections on,
    /// and what an app's own commands run their projections or queries against.
    ///
    /// ```swift
    /// let runner = try ProjectionRunner(store: opened.sqlite, projections: [opened.sqlite.exactlyOnce(OrderCount())])
    /// ```
    public let sqlite: SQLiteEventStore

    /// The checkpoints of the store's projections and consumers.
    ///
    /// ```swift
    /// for checkpoint in try await opened.checkpoints.checkpoints() { print(checkpoint.name, checkpoint.position) }
    /// ```
    public var checkpoints: any CheckpointStore { sqlite.checkpoints }

    /// The events the store's projections and consumers parked after their last retry.
    ///
    /// ```swift
    /// let stuck = try await opened.deadLetters.count(subscriber: nil)
    /// ```
    public var deadLetters: any DeadLetterStore { sqlite.deadLetters }

    /// One file of a store and its size.
    public struct File: Hashable, Sendable {
        /// What the file is: `"database"` or `"write-ahead log"`.
        public let role: String
        /// Its path.
        public let path: String
        /// Its size in bytes.
        public let size: Int64
    }

    /// Opens a store.
    ///
    /// - Parameters:
    ///   - location: Where the store is.
    ///   - access: Whether the store may be created.
    /// - Returns: The open store.
    /// - Throws: ``CommandError`` for a missing (or empty) store file when it
    ///   must exist, and for PostgreSQL locations (not supported yet);
    ///   ``Chronicle/EventStoreError`` when the file is not a store, is damaged
    ///   or cannot be reached.
    public static func open(_ location: StoreLocation, access: StoreAccess) async throws -> OpenedStore {
        switch location {
        case .postgres:
            throw CommandError(
                .failure,
                "PostgreSQL stores are not supported by this build of chronicle yet; use sqlite:PATH")
        case .sqlite(let path):
            let existing = try existingFileSize(path)
            if access == .existing {
                guard let existing else {
                    throw CommandError(
                        .failure,
                        "no store at '\(path)': create one with 'chronicle init --store \(location)'")
                }
                guard existing > 0 else {
                    throw CommandError(
                        .failure,
                        "store file '\(path)' is empty: initialise it with 'chronicle init --store \(location)'")
                }
            }
            let store = try await SQLiteEventStore(path: path)
            return OpenedStore(location: location, sqlite: store, wasCreated: (existing ?? 0) == 0)
        }
    }

    private init(location: StoreLocation, sqlite: SQLiteEventStore, wasCreated: Bool) {
        self.location = location
        self.store = sqlite
        self.sqlite = sqlite
        self.wasCreated = wasCreated
    }

    /// The size of the file at `path`, or `nil` when there is none.
    private static func existingFileSize(_ path: String) throws -> Int64? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { throw CommandError(.failure, "store path '\(path)' is a directory") }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The store's schema version.
    ///
    /// - Returns: The version of the store's tables.
    /// - Throws: ``Chronicle/EventStoreError`` on a storage failure.
    public func schemaVersion() async throws -> Int {
        try await sqlite.schemaVersion()
    }

    /// The store's files and their sizes (for SQLite: the database and its
    /// write-ahead log, when present).
    ///
    /// - Returns: The files that exist.
    public func files() -> [File] {
        [("database", sqlite.path), ("write-ahead log", sqlite.path + "-wal")].compactMap { role, path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = (attributes[.size] as? NSNumber)?.int64Value
            else { return nil }
            return File(role: role, path: path, size: size)
        }
    }

    /// Closes the store's connections; errors while closing are ignored.
    public func close() {
        try? sqlite.close()
    }
}
