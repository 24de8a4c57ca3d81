@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

/// The embedded event store: one SQLite file through GRDB, in WAL mode.
///
/// One writer and several concurrent readers. Appends run in `BEGIN IMMEDIATE`
/// transactions; writers in other processes on the same file take turns within
/// ``Options/busyTimeout`` instead of failing, waiting on a thread of the
/// store's own rather than the calling task's. Durability is `synchronous=FULL`
/// unless ``Options/durability`` says `.normal` (see ``SQLiteDurability``).
///
/// Opening checks the file first and refuses, without changing it, a file that
/// is not a Chronicle store, is truncated, or has a newer schema.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "orders.sqlite")
/// let stream = try StreamName("order-42")
/// let result = try await store.append(
///     [NewEvent(type: "OrderPlaced", data: Data(#"{"customer":"ada"}"#.utf8))],
///     to: stream, expecting: .noStream)
/// let events = try await store.readStream(stream, from: 1, direction: .forward, limit: 100)
/// ```
public final class SQLiteEventStore: EventStore {
    /// The path of the store file.
    public let path: String
    /// The settings the store was opened with.
    public let options: Options
    let pool: DatabasePool
    /// Fired after every append this instance commits; other processes' appends
    /// are noticed by polling the head (see ``waitForAppends(after:)``).
    let appendSignal = AppendSignal()
    /// Coalesces concurrent appends into shared write transactions.
    let groupCommit: SQLiteGroupCommit
    /// Read-only connections for the hot reads.
    let readers: SQLiteReaders

    /// Opens (creating or migrating when needed) the store at `path`.
    ///
    /// ```swift
    /// let store = try await SQLiteEventStore(path: "app.sqlite", options: .init(durability: .normal))
    /// ```
    ///
    /// - Parameters:
    ///   - path: The store file; created with its directory's permissions when absent.
    ///   - options: Durability, size limits, timeouts and the category index.
    /// - Throws: `EventStoreError` with code `notAChronicleStore` (another file or
    ///   database), `corruptStore` (truncated or damaged), `schemaTooNew`,
    ///   `storageUnavailable` (missing directory, permissions) or `readOnly`. The file
    ///   is not modified when opening fails these checks.
    public init(path: String, options: Options = Options()) async throws {
        guard options.maximumEventSize > 0, options.busyTimeout >= 0, options.maximumReaderCount > 0 else {
            throw EventStoreError.invalidArgument(
                "SQLite store options need a positive maximum event size and reader count and a busy timeout >= 0")
        }
        self.path = path
        self.options = options
        // Opening reads the file and may wait for another process's lock (a
        // migration, WAL recovery): on a thread of its own, not the caller's
        // (see SQLiteConnections).
        let state = try await SQLiteConnections.elsewhere {
            try SQLiteFileInspection.inspect(path: path, integrityCheckLimit: options.integrityCheckLimit)
        }
        let writerBusyWait = SQLiteBusyWait(timeout: options.busyTimeout)
        var configuration = Configuration()
        configuration.busyMode = writerBusyWait.busyMode
        configuration.maximumReaderCount = options.maximumReaderCount
        configuration.label = "Chronicle.SQLiteEventStore"
        do {
            let pool = try await SQLiteConnections.elsewhere {
                try DatabasePool(path: path, configuration: configuration)
            }
            self.pool = pool
            groupCommit = SQLiteGroupCommit(pool: pool, signal: appendSignal, busyWait: writerBusyWait)
            readers = SQLiteReaders(
                path: path, busyTimeout: options.busyTimeout, maximumIdle: options.maximumReaderCount)
            // GRDB sets synchronous=NORMAL on the writer when it enables WAL; apply
            // the durability the store promises after that, on the one writer.
            let synchronous = options.durability == .full ? "FULL" : "NORMAL"
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            }
            if state != .chronicle(schemaVersion: SQLiteSchema.currentVersion) {
                try await SQLiteConnections.elsewhere { try SQLiteSchema.migrator.migrate(pool) }
            }
            if options.indexesCategories, try await !pool.read(SQLiteCategoryIndex.exists) {
                try await pool.write(SQLiteCategoryIndex.create)
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }

    /// The `synchronous` setting in force on the writer connection (2 is FULL, 1 NORMAL).
    ///
    /// - Returns: The value of `PRAGMA synchronous` on the writer.
    /// - Throws: ``EventStoreError`` on a storage failure.
    @_spi(Testing) public func writerSynchronousSetting() async throws -> Int {
        try await withMappedErrors {
            try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        }
    }

    /// The schema version of the store file.
    ///
    /// - Returns: The value of `PRAGMA user_version`.
    /// - Throws: `EventStoreError` on a storage failure.
    public func schemaVersion() async throws -> Int {
        try await withMappedErrors {
            try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        }
    }

    /// Closes the store's connections. Later calls throw.
    ///
    /// - Throws: `EventStoreError` when a connection cannot close.
    public func close() throws {
        do {
            try readers.close()
            try pool.close()
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }

    func mappingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }

    func withMappedErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }
}
