internal import Dispatch
internal import GRDB

/// Synchronous access to the store's connections from async code, and the
/// thread that waits when a lock is held.
///
/// GRDB's async accessors hop to a connection's dispatch queue and back: two
/// thread wake-ups per call, which cost more than a short read or an append on
/// a busy machine. These run the work on the calling thread instead (a
/// connection's queue runs a synchronous call in place), still serialised with
/// every other use of that connection. (Handing every append to a writer
/// thread of the store's own instead was measured on the 2-core development
/// machine: 0.12 ms more per uncontended append, more than the whole append
/// costs at `synchronous=NORMAL`.)
///
/// The calling thread is one of Swift's cooperative pool, which has one thread
/// per core: it must not wait long. So the inline attempt never waits for a
/// lock (see ``SQLiteBusyWait``): when another connection holds one (another
/// process's write transaction, a WAL recovery), SQLite answers `SQLITE_BUSY`
/// at once, with nothing of the attempt left behind, and the caller runs the
/// operation again through ``elsewhere(_:)``, on a thread outside the pool that
/// waits up to the busy timeout while the calling task is suspended. Measured
/// on the 2-core machine with another process holding the write lock for 2 s
/// while 16 tasks append: a 10 ms timer in the same process was late by up to
/// 2 s when the appends waited inline, by a few milliseconds when they wait
/// elsewhere (`SQLiteLockWaitTests`). The uncontended path is unchanged but for
/// two lock operations on the connection's busy policy.
enum SQLiteConnections {
    /// Runs `body` on the writer connection, outside any transaction.
    static func write<T>(_ pool: any DatabaseWriter, _ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(body)
    }

    /// Runs one statement's worth of reading on one of the store's reader
    /// connections without an explicit transaction: SQLite runs a single
    /// statement on one consistent snapshot by itself, and the `BEGIN`/`COMMIT`
    /// pair GRDB adds otherwise costs more than a short read.
    ///
    /// The read runs on the calling thread without waiting for a lock. In WAL
    /// mode a reader meets one only in rare moments (another process recovering
    /// the WAL after a crash, or deleting it as its last connection closes);
    /// then the read runs again elsewhere, waiting up to the busy timeout. A
    /// read has no effects, so running it twice is safe.
    static func readStatement<T>(_ readers: SQLiteReaders, _ body: (Database) throws -> T) async throws -> T {
        do {
            return try readers.read(waiting: false, body)
        } catch where SQLiteBusyWait.isBusy(error) {
            return try await elsewhere { try readers.read(waiting: true, body) }
        }
    }

    /// Runs `work` on a thread outside Swift's cooperative pool and returns its
    /// result, the calling task suspended meanwhile (not cancellable: the work
    /// runs to its end, as a synchronous call would).
    ///
    /// Each call gets a serial dispatch queue of its own: such queues run on
    /// threads dispatch adds as needed, while the global concurrent queues are
    /// limited to one thread per core, like the cooperative pool.
    static func elsewhere<T, Failure: Error>(_ work: () throws(Failure) -> T) async throws(Failure) -> T {
        let result = await withoutActuallyEscaping(work) { work in
            let job = Job(work)
            return await withCheckedContinuation { (continuation: CheckedContinuation<Job<T, Failure>.Outcome, Never>) in
                DispatchQueue(label: "Chronicle.SQLiteEventStore.wait").async {
                    continuation.resume(returning: job.run())
                }
            }
        }
        return try result.get().value
    }

    /// A closure handed to another thread while its caller waits for it.
    ///
    /// `@unchecked Sendable`: the closure and its result cross threads once each,
    /// while the caller is suspended, so nothing touches them concurrently.
    private final class Job<T, Failure: Error>: @unchecked Sendable {
        struct Value: @unchecked Sendable {
            let value: T
        }

        typealias Outcome = Result<Value, Failure>

        private var work: (() throws(Failure) -> T)?

        init(_ work: @escaping () throws(Failure) -> T) {
            self.work = work
        }

        /// Runs the work and lets go of it before returning, so that nothing holds
        /// the (not really escaping) closure once the caller resumes.
        func run() -> Outcome {
            guard let work = work.take() else { preconditionFailure("a job runs once") }
            do throws(Failure) {
                return .success(Value(value: try work()))
            } catch {
                return .failure(error)
            }
        }
    }
}
