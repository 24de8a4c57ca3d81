public import Chronicle
internal import Foundation
internal import GRDB

/// What `chronicle bench` asks of SQLite: fresh store files with a chosen
/// durability, and an exactly-once projection counting events per type in a
/// table of the store's file.
extension SQLiteBackend {
    /// `full` (the default) and `normal`: see ``SQLiteDurability``.
    public var durabilities: [String] { SQLiteDurability.allCases.map(\.rawValue) }

    /// The version of the SQLite library GRDB links.
    ///
    /// - Parameter location: Not used: every file has the same library.
    /// - Returns: The library's version.
    public func engineVersion(at location: StoreLocation) async -> String? {
        (try? await DatabaseQueue().read { db in try String.fetchOne(db, sql: "SELECT sqlite_version()") }).flatMap { $0 }
    }

    /// `DIRECTORY/bench.sqlite`.
    ///
    /// - Parameter directory: An empty directory.
    /// - Returns: A `sqlite` location in it.
    public func temporaryLocation(in directory: String) -> StoreLocation? {
        .sqlite(path: (directory as NSString).appendingPathComponent("bench.sqlite"))
    }

    /// Whether a file exists at the location's path.
    ///
    /// - Parameter location: A `sqlite` location.
    /// - Returns: `true` when something is there.
    public func storeExists(at location: StoreLocation) async -> Bool {
        FileManager.default.fileExists(atPath: location.address)
    }

    /// Removes the store file and its `-wal`, `-shm` and `-journal` companions.
    ///
    /// - Parameter location: A `sqlite` location.
    public func removeStore(at location: StoreLocation) async {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: location.address + suffix)
        }
    }

    /// Creates a store with the durability given.
    ///
    /// - Parameters:
    ///   - location: A `sqlite` location.
    ///   - durability: `full` or `normal`.
    /// - Returns: The open store.
    /// - Throws: `EventStoreError` (`invalidArgument`) for another
    ///   durability, or as ``open(_:access:)``.
    public func openForBenchmark(_ location: StoreLocation, durability: String) async throws -> any BackendStore {
        guard let durability = SQLiteDurability(rawValue: durability) else {
            throw EventStoreError.invalidArgument("SQLite durability must be full or normal, got '\(durability)'")
        }
        var options = options
        options.durability = durability
        return try await open(location, access: .createIfMissing, options: options)
    }

    /// An exactly-once projection counting events per type into a table of
    /// the store's file; its total is read through a connection of its own.
    ///
    /// - Parameter store: A store this backend opened.
    /// - Returns: The projection and its total.
    /// - Throws: `EventStoreError` (`invalidArgument`) for another backend's store.
    public func eventCounter(on store: any BackendStore) throws -> BenchmarkEventCounter {
        guard let sqlite = (store as? SQLiteBackendStore)?.store else {
            throw EventStoreError.invalidArgument("the SQLite backend counts events only in its own stores")
        }
        let path = sqlite.path
        return BenchmarkEventCounter(projection: sqlite.exactlyOnce(SQLiteEventCountProjection())) {
            var configuration = Configuration()
            configuration.readonly = true
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? reader.close() }
            return try reader.read { db in
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM bench_events_per_type") ?? 0
            }
        }
    }
}

/// Counts events per type in a table of the store's own database.
struct SQLiteEventCountProjection: SQLiteProjection {
    let name = "bench-events-per-type"

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: "CREATE TABLE IF NOT EXISTS bench_events_per_type (type TEXT PRIMARY KEY NOT NULL, count INTEGER NOT NULL)")
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO bench_events_per_type (type, count) VALUES (?, 1)
                ON CONFLICT (type) DO UPDATE SET count = count + 1
                """
        ).execute(arguments: [event.type])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM bench_events_per_type")
    }
}
