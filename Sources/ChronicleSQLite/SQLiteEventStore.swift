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
    /// The writer connection (a `DatabasePool`), or for a read-only store one
    /// connection that never writes (see ``Options/readOnly``).
    let pool: any DatabaseWriter
    /// The writer connection's busy policy (the close-time checkpoint does not wait).
    let writerBusyWait: SQLiteBusyWait
    /// For a read-only store on a cleanly closed file: an ordinary connection
    /// that only ever reads, opened first and closed last, so that the `-wal`
    /// and `-shm` files the read-only connections need are removed again (see
    /// ``SQLiteFileInspection/readingConfiguration(path:)``).
    let logKeeper: DatabaseQueue?
    /// This store's entry in ``SQLiteOpenFiles``, removed when it closes.
    private let openFile = Locked<AnyHashable??>(nil)
    /// Fired after every append this instance commits; other processes' appends
    /// are noticed by polling the head (see ``waitForAppends(after:)``).
    let appendSignal = AppendSignal(reportsCompletePositions: true)
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
        if options.readOnly { try Self.checkReadable(state, path: path) }
        let writerBusyWait = SQLiteBusyWait(timeout: options.busyTimeout)
        self.writerBusyWait = writerBusyWait
        do {
            let (pool, logKeeper) = try await SQLiteConnections.elsewhere {
                try Self.openWriter(path: path, options: options, busyWait: writerBusyWait)
            }
            self.pool = pool
            self.logKeeper = logKeeper
            groupCommit = SQLiteGroupCommit(pool: pool, signal: appendSignal, busyWait: writerBusyWait)
            readers = SQLiteReaders(
                path: path, busyTimeout: options.busyTimeout, maximumIdle: options.maximumReaderCount)
            openFile.withLock { $0 = .some(SQLiteOpenFiles.opened(path)) }
            if options.readOnly { return }
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

    /// Opens the writer: a `DatabasePool` (which puts the file in WAL mode), or
    /// for a read-only store a read-only connection, after the connection that
    /// keeps the log when one is needed (see ``logKeeper``).
    private static func openWriter(path: String, options: Options, busyWait: SQLiteBusyWait) throws
        -> (any DatabaseWriter, DatabaseQueue?)
    {
        var configuration = Configuration()
        configuration.busyMode = busyWait.busyMode
        configuration.label = "Chronicle.SQLiteEventStore"
        guard options.readOnly else {
            configuration.maximumReaderCount = options.maximumReaderCount
            return (try DatabasePool(path: path, configuration: configuration), nil)
        }
        var keeper: DatabaseQueue?
        if SQLiteFileInspection.readOnlyConnectionsWouldLeaveFiles(path) {
            // Its first read opens the log, so that it is the connection that
            // removes it when it closes last.
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
            keeper = queue
        }
        configuration.readonly = true
        do {
            return (try DatabaseQueue(path: path, configuration: configuration), keeper)
        } catch {
            try? keeper?.close()
            throw error
        }
    }

    /// Refuses, for a read-only store, a file it would have to create or migrate.
    private static func checkReadable(_ state: SQLiteFileInspection.State, path: String) throws {
        switch state {
        case .new, .emptyDatabase:
            throw EventStoreError(
                code: .storageUnavailable, message: "no store at '\(path)': a read-only open does not create one")
        case .chronicle(let version) where version < SQLiteSchema.currentVersion:
            throw EventStoreError(
                code: .schemaTooOld,
                message: "store '\(path)' has schema version \(version), older than the \(SQLiteSchema.currentVersion) "
                    + "this Chronicle uses: reading does not migrate it; open it for writing once "
                    + "(e.g. 'chronicle init --store sqlite:\(path)') to migrate it")
        case .chronicle:
            return
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

    /// Closes the store's connections, leaving a self-contained file. Later calls throw.
    ///
    /// The write-ahead log is checkpointed into the store file and emptied
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`), and the writer closes after every
    /// reader, so that SQLite removes the `-wal` and `-shm` files when this was
    /// the file's last connection: a copy of the store file alone then holds
    /// every event. (GRDB closes a pool's writer before its read-only readers,
    /// and a read-only connection closing last cannot remove the log: that left
    /// a store's events in a `-wal` file beside a nearly empty main file.)
    ///
    /// When another connection, in this process or another, is reading or
    /// writing at that moment, the checkpoint gives up at once instead of
    /// waiting, and the log stays for that connection to checkpoint: nothing
    /// is lost either way. A read-only store (``Options/readOnly``) writes
    /// nothing here either.
    ///
    /// ```swift
    /// let store = try await SQLiteEventStore(path: "bank.sqlite")
    /// // … append, read …
    /// try store.close()   // bank.sqlite alone now holds every event
    /// ```
    ///
    /// - Throws: `EventStoreError` when a connection cannot close.
    public func close() throws {
        do {
            try readers.close()
            if let pool = pool as? DatabasePool {
                pool.releaseMemory()  // closes the pool's readers, so that the writer closes last
                if !options.readOnly { checkpointWithoutWaiting(pool) }
            }
            try pool.close()
            try logKeeper?.close()
            if let entry = openFile.withLock({ $0.take() }) { SQLiteOpenFiles.closed(entry) }
        } catch {
            throw SQLiteErrorMapping.map(error, path: path)
        }
    }

    /// Copies the write-ahead log into the store file and empties it, unless
    /// another connection is using the file (then `SQLITE_BUSY`, ignored).
    private func checkpointWithoutWaiting(_ pool: DatabasePool) {
        try? pool.writeWithoutTransaction { db in
            try writerBusyWait.withoutWaiting { try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
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
