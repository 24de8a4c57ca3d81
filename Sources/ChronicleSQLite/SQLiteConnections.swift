internal import GRDB

/// Synchronous access to the store's connections from async code.
///
/// GRDB's async accessors hop to a connection's dispatch queue and back: two
/// thread wake-ups per call, which cost more than a short read or an append on
/// a busy machine. These run the work on the calling thread instead (a
/// connection's queue runs a synchronous call in place), still serialised with
/// every other use of that connection. The calling task's thread is busy
/// meanwhile: fine for the short statements of the event store; writes take
/// turns (one group-commit leader at a time), so at most one thread waits for
/// the disk. (Handing appends to a writer thread of the store's own instead,
/// which keeps the cooperative pool free during a commit, was measured on the
/// 2-core development machine: 0.12 ms more per uncontended append, more than
/// the whole append costs at `synchronous=NORMAL`.)
enum SQLiteConnections {
    /// Runs `body` on the writer connection, outside any transaction.
    static func write<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(body)
    }

    /// Runs `body` on a reader connection, in a read transaction (a consistent snapshot).
    static func read<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Runs one statement's worth of reading on one of the store's reader
    /// connections without an explicit transaction: SQLite runs a single
    /// statement on one consistent snapshot by itself, and the `BEGIN`/`COMMIT`
    /// pair GRDB adds otherwise costs more than a short read.
    static func readStatement<T>(_ readers: SQLiteReaders, _ body: (Database) throws -> T) throws -> T {
        try readers.read(body)
    }
}
