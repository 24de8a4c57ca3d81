internal import GRDB
internal import Chronicle

/// The store's own read-only connections, for the reads on hot paths (stream
/// and log reads, the head, versions, snapshots).
///
/// Taking a reader from GRDB's `DatabasePool` costs more than a short read
/// (its pool resolves a key path at run time on every access). These
/// connections are kept in a plain list instead: a read takes one (opening a
/// new one when all are busy), runs on the calling thread, and gives it back;
/// up to `maximumIdle` stay open. Each read is one statement, which SQLite
/// runs on one consistent snapshot of the WAL without an explicit transaction.
///
/// Each connection has a busy policy of its own (``SQLiteBusyWait``), so that
/// a read, and the opening of a connection for it, can be tried without
/// waiting for a lock on the calling thread and run again, waiting, elsewhere
/// (see ``SQLiteConnections/readStatement(_:_:)``).
final class SQLiteReaders: Sendable {
    private struct Reader: Sendable {
        let connection: DatabaseQueue
        let busyWait: SQLiteBusyWait
    }

    private struct State: Sendable {
        var idle: [Reader] = []
        var closed = false
    }

    private let path: String
    private let configuration: Configuration
    private let busyTimeout: Double
    private let maximumIdle: Int
    private let state = Locked(State())

    init(path: String, busyTimeout: Double, maximumIdle: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "Chronicle.SQLiteEventStore.reader"
        self.path = path
        self.configuration = configuration
        self.busyTimeout = busyTimeout
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` on a reader connection, outside any explicit transaction.
    ///
    /// - Parameter waiting: Whether a lock is waited for (up to the busy
    ///   timeout) or fails the read at once with `SQLITE_BUSY`.
    func read<T>(waiting: Bool, _ body: (Database) throws -> T) throws -> T {
        let taken = try state.withLock { state -> Reader? in
            if state.closed { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "Connection is closed") }
            return state.idle.popLast()
        }
        let reader = try taken ?? open(waiting: waiting)
        defer {
            let keep = state.withLock { state -> Bool in
                guard !state.closed, state.idle.count < maximumIdle else { return false }
                state.idle.append(reader)
                return true
            }
            if !keep { try? reader.connection.close() }
        }
        if waiting { return try reader.connection.inDatabase(body) }
        return try reader.busyWait.withoutWaiting { try reader.connection.inDatabase(body) }
    }

    /// Opens a connection (which reads the schema, so it may meet a lock too).
    private func open(waiting: Bool) throws -> Reader {
        let busyWait = SQLiteBusyWait(timeout: busyTimeout)
        var configuration = configuration
        configuration.busyMode = busyWait.busyMode
        let connection =
            waiting
            ? try DatabaseQueue(path: path, configuration: configuration)
            : try busyWait.withoutWaiting { try DatabaseQueue(path: path, configuration: configuration) }
        return Reader(connection: connection, busyWait: busyWait)
    }

    /// Closes the idle connections; busy ones close when their read ends.
    func close() throws {
        let idle = state.withLock { state -> [Reader] in
            state.closed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for reader in idle { try reader.connection.close() }
    }
}
