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
final class SQLiteReaders: Sendable {
    private struct State: Sendable {
        var idle: [DatabaseQueue] = []
        var closed = false
    }

    private let path: String
    private let configuration: Configuration
    private let maximumIdle: Int
    private let state = Locked(State())

    init(path: String, busyTimeout: Double, maximumIdle: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "Chronicle.SQLiteEventStore.reader"
        self.path = path
        self.configuration = configuration
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` on a reader connection, outside any explicit transaction.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        let taken = try state.withLock { state -> DatabaseQueue? in
            if state.closed { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "Connection is closed") }
            return state.idle.popLast()
        }
        let reader = try taken ?? DatabaseQueue(path: path, configuration: configuration)
        defer {
            let keep = state.withLock { state -> Bool in
                guard !state.closed, state.idle.count < maximumIdle else { return false }
                state.idle.append(reader)
                return true
            }
            if !keep { try? reader.close() }
        }
        return try reader.inDatabase(body)
    }

    /// Closes the idle connections; busy ones close when their read ends.
    func close() throws {
        let idle = state.withLock { state -> [DatabaseQueue] in
            state.closed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for reader in idle { try reader.close() }
    }
}
