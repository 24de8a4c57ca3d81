@_spi(Implementing) internal import Chronicle
internal import GRDB

/// Group commit: appends that arrive while another one is being written are
/// coalesced into the next write transaction, so that one commit (one fsync at
/// `synchronous=FULL`) serves them all.
///
/// One append at a time is the *leader*: it runs, on the calling task's thread
/// (no hop to GRDB's queue), a write transaction holding its request and every
/// request waiting at that moment, hands each waiting caller its own result,
/// then passes the lead to the oldest request that arrived meanwhile. An
/// append that finds no leader leads at once, so an uncontended append costs no
/// thread hop and no waiting.
///
/// The leader's thread belongs to Swift's cooperative pool, so it never waits
/// for the write lock: its attempt runs without a busy wait (see
/// ``SQLiteBusyWait``), and when another connection holds the lock (another
/// process, or a GRDB write of this store waiting for one) the requests not yet
/// written run again on a thread of their own that waits up to the busy
/// timeout, while the leader's task is suspended (``SQLiteConnections/elsewhere(_:)``).
/// A request that met the lock has nothing stored: it fails at `BEGIN
/// IMMEDIATE`, or its transaction is rolled back. While the writer met a lock
/// in the last moments, leaders go to the waiting thread straight away.
///
/// Coalescing changes no outcome: the requests of a batch run in arrival order,
/// each in a savepoint of its own, with its own expected-version check,
/// idempotency and errors, exactly as if they had run one after another. A
/// request that fails rolls back to its savepoint, leaving the others in the
/// batch. When the transaction itself fails (a storage error), nothing of it is
/// stored and every request of the batch is run again in a transaction of its
/// own, so that each gets the outcome it would have had alone.
final class SQLiteGroupCommit: Sendable {
    /// One append call, validated and with its metadata encoded.
    struct Request: Sendable {
        let appends: [StreamAppend]
        let prepared: [[AppendValidation.PreparedEvent]]

        var eventCount: Int { prepared.reduce(0) { $0 + $1.count } }
        /// Whether a failure can leave writes of the request behind (so that it needs a savepoint).
        var writesMoreThanOneRow: Bool { appends.count > 1 || eventCount > 1 }
    }

    private typealias Outcome = Result<[AppendResult], any Error>
    /// How much coalescing happened, for tests and diagnostics.
    typealias Statistics = GroupCommitQueue<Request, [AppendResult]>.Statistics

    /// The most requests and events one transaction takes.
    static let maximumBatchRequests = 512
    static let maximumBatchEvents = 8_192

    private let queue: GroupCommitQueue<Request, [AppendResult]>

    /// - Parameter busyWait: The writer connection's busy policy.
    init(pool: any DatabaseWriter, signal: AppendSignal, busyWait: SQLiteBusyWait) {
        queue = GroupCommitQueue(
            maximumBatch: Self.maximumBatchRequests, maximumWeight: Self.maximumBatchEvents, weight: { $0.eventCount }
        ) { requests in
            let outcomes = await Self.write(requests, pool: pool, busyWait: busyWait)
            // Commits are complete in position order (one writer): the signal
            // reports the highest, and the streams written, to wake only the
            // waiters they concern.
            var committed: GlobalPosition?
            var streams: [StreamName] = []
            for case .success(let results) in outcomes {
                for result in results {
                    guard let positions = result.positions else { continue }
                    committed = max(committed ?? positions.upperBound, positions.upperBound)
                    streams.append(result.stream)
                }
            }
            if let committed { signal.signal(committed: committed, streams: streams) }
            return outcomes
        }
    }

    /// The batches so far.
    var statistics: Statistics { queue.statistics }

    /// How many requests wait for a leader to take them.
    var waitingCount: Int { queue.waitingCount }

    /// Appends one request, alone or with others, and returns its own results.
    ///
    /// - Throws: The request's own error (unmapped: the store maps it).
    func append(_ request: Request) async throws -> [AppendResult] {
        try await queue.submit(request)
    }

    /// Runs the requests on the writer connection: from this thread without
    /// waiting for the write lock, then, for those that met it, from a thread
    /// that waits.
    private static func write(
        _ requests: [Request], pool: any DatabaseWriter, busyWait: SQLiteBusyWait
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        if !busyWait.metLockRecently {
            outcomes = write(requests, waiting: false, pool: pool, busyWait: busyWait)
            if outcomes.count == requests.count { return outcomes }
        }
        let rest = Array(requests[outcomes.count...])
        // `write(_:waiting:pool:busyWait:)` returns an outcome for each request when it waits.
        return await outcomes
            + SQLiteConnections.elsewhere { write(rest, waiting: true, pool: pool, busyWait: busyWait) }
    }

    /// Runs the requests on the writer connection, from this thread. Without
    /// waiting, stops at the first request that meets the lock, and returns the
    /// outcomes of those before it (nothing of it or of later ones is stored).
    private static func write(
        _ requests: [Request], waiting: Bool, pool: any DatabaseWriter, busyWait: SQLiteBusyWait
    ) -> [Outcome] {
        do {
            return try SQLiteConnections.write(pool) { db in
                if waiting { return Self.write(requests, in: db, stoppingWhenBusy: false) }
                return busyWait.withoutWaiting { Self.write(requests, in: db, stoppingWhenBusy: true) }
            }
        } catch {
            return requests.map { _ in .failure(error) }
        }
    }

    private static func write(_ requests: [Request], in db: Database, stoppingWhenBusy: Bool) -> [Outcome] {
        if requests.count > 1 {
            do {
                return try together(requests, in: db)
            } catch where stoppingWhenBusy && SQLiteBusyWait.isBusy(error) {
                return []
            } catch {
                // Nothing of the batch is stored: give each request the outcome it has alone.
            }
        }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(requests.count)
        for request in requests {
            let outcome = Outcome { try alone(request, in: db) }
            if stoppingWhenBusy, case .failure(let error) = outcome, SQLiteBusyWait.isBusy(error) { break }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// One request in its own transaction: the fast path, then the careful path
    /// when an id is already stored.
    private static func alone(_ request: Request, in db: Database) throws -> [AppendResult] {
        do {
            return try SQLiteAppender.appendInTransaction(
                request.appends, prepared: request.prepared, in: db, checkIdsFirst: false)
        } catch is SQLiteAppender.RetryCheckingIds {
            return try SQLiteAppender.appendInTransaction(
                request.appends, prepared: request.prepared, in: db, checkIdsFirst: true)
        }
    }

    /// The requests in one transaction, each in its own savepoint. Throws when
    /// the transaction fails as a whole (then nothing is stored).
    private static func together(_ requests: [Request], in db: Database) throws -> [Outcome] {
        try SQLiteRawStatement.immediateTransaction(db) {
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(requests.count)
            for request in requests {
                outcomes.append(try isolated(request, in: db))
            }
            return outcomes
        }
    }

    /// One request inside the batch's transaction. Its own failures (an
    /// ``EventStoreError``) become its outcome, rolled back to its savepoint;
    /// storage errors are rethrown and fail the batch.
    private static func isolated(_ request: Request, in db: Database) throws -> Outcome {
        do {
            do {
                return .success(
                    try savepoint(if: request.writesMoreThanOneRow, in: db) {
                        try SQLiteAppender.append(
                            request.appends, prepared: request.prepared, in: db, checkIdsFirst: false)
                    })
            } catch is SQLiteAppender.RetryCheckingIds {
                return .success(
                    try savepoint(if: request.writesMoreThanOneRow, in: db) {
                        try SQLiteAppender.append(
                            request.appends, prepared: request.prepared, in: db, checkIdsFirst: true)
                    })
            }
        } catch let error as EventStoreError {
            return .failure(error)
        }
    }

    /// Runs `body` in a savepoint (when asked), rolled back when it throws.
    ///
    /// A request that writes one row needs none: every way it fails happens
    /// before that row is written or undoes the failed statement itself.
    private static func savepoint<T>(if needed: Bool, in db: Database, _ body: () throws -> T) throws -> T {
        guard needed else { return try body() }
        try SQLiteRawStatement.run(db, "SAVEPOINT chronicle_append")
        do {
            let result = try body()
            try SQLiteRawStatement.run(db, "RELEASE chronicle_append")
            return result
        } catch {
            try SQLiteRawStatement.run(db, "ROLLBACK TO chronicle_append")
            try SQLiteRawStatement.run(db, "RELEASE chronicle_append")
            throw error
        }
    }
}
