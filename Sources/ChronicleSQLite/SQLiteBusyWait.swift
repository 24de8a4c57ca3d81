internal import Chronicle
internal import Foundation
internal import GRDB

/// How one SQLite connection waits for a lock another connection holds: not
/// at all during an inline attempt, up to the store's busy timeout otherwise.
///
/// SQLite calls a connection's busy handler, on the thread running the
/// statement, each time it meets a lock it cannot take (another process's
/// write transaction, a WAL recovery); the handler sleeps and asks to try
/// again, or gives up, and the statement fails with `SQLITE_BUSY`. With
/// SQLite's own busy timeout that sleeping happens on whatever thread runs
/// the statement: for the event store's inline calls, a thread of Swift's
/// cooperative pool (two on a 2-core machine), which then runs no other task
/// for up to the whole timeout (30 s by default).
///
/// This handler makes the wait depend on the attempt. Inside
/// ``withoutWaiting(_:)`` it gives up at once, so that the calling thread learns
/// of the lock in microseconds and can hand the operation to a thread of its
/// own (see ``SQLiteConnections/elsewhere(_:)``), which runs it again outside
/// it and sleeps with SQLite's own schedule (1, 2, 5, 10 ... 100 ms) until the
/// timeout. It also remembers when the connection last met a lock, so that the
/// writer can go to the waiting thread straight away while another writer is
/// active (``metLockRecently``).
final class SQLiteBusyWait: Sendable {
    private struct State: Sendable {
        /// Whether a lock is waited for (false during an inline attempt).
        var waits = true
        /// When the current lock was first met, while waiting for it.
        var waitStarted: ContinuousClock.Instant?
        /// When the connection last met a lock.
        var lastMet: ContinuousClock.Instant?
    }

    /// How long after meeting a lock the connection counts as contended.
    ///
    /// A waiting connection's handler runs at least every 100 ms (SQLite's
    /// longest sleep, kept here), so a wait in progress always counts.
    static let contentionWindow = Duration.milliseconds(250)

    /// SQLite's own sleeps between attempts (`sqliteDefaultBusyCallback`), in milliseconds.
    private static let sleeps: [Int64] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]

    private let timeout: Duration
    private let state = Locked(State())

    /// A policy that waits up to `seconds` for a lock.
    init(timeout seconds: Double) {
        timeout = .nanoseconds(Int64(seconds * 1e9))
    }

    /// The busy mode that applies this policy, for a connection's configuration.
    var busyMode: Database.BusyMode {
        .callback { [self] tries in retries(after: tries) }
    }

    /// Whether the connection met a lock within the last ``contentionWindow``
    /// (or is waiting for one now).
    var metLockRecently: Bool {
        guard let lastMet = state.withLock({ $0.lastMet }) else { return false }
        return ContinuousClock.now - lastMet < Self.contentionWindow
    }

    /// Runs `body` on the connection without waiting for any lock: a statement
    /// that meets one fails at once with `SQLITE_BUSY`.
    ///
    /// Only the code that uses the connection (on its own queue) calls this, so
    /// no other statement of the connection runs meanwhile.
    func withoutWaiting<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.waits = false }
        defer { state.withLock { $0.waits = true } }
        return try body()
    }

    /// Whether `error` is SQLite giving up on a lock (so that the operation can run again).
    static func isBusy(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.resultCode == .SQLITE_BUSY
    }

    /// The busy handler: `true` to try again after sleeping, `false` to give up.
    private func retries(after tries: Int) -> Bool {
        let now = ContinuousClock.now
        let remaining = state.withLock { state -> Duration in
            state.lastMet = now
            guard state.waits else { return .zero }
            if tries == 0 || state.waitStarted == nil { state.waitStarted = now }
            return timeout - (now - state.waitStarted!)
        }
        guard remaining > .zero else { return false }
        let sleep = min(Duration.milliseconds(Self.sleeps[min(tries, Self.sleeps.count - 1)]), remaining)
        let (seconds, attoseconds) = sleep.components
        var interval = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var left = timespec()
        while nanosleep(&interval, &left) != 0, errno == EINTR { interval = left }
        return true
    }
}
