internal import Chronicle
internal import Foundation
internal import Metrics
internal import PostgresNIO

/// Who holds the append lock, and for how long: what an operator looks at
/// when appends stall.
///
/// Positions are handed out under one transaction-scoped advisory lock, so a
/// transaction that appended and then stays open (a stuck app server, a
/// session idle in its transaction) makes every other append wait. Readers
/// never see a hole; writers wait instead. ``holderAge`` is how long the
/// current holder's transaction has been open; ``oldestTransactionAge`` is the
/// oldest open transaction in the database, which holds back vacuum and is the
/// first suspect when ``holderAge`` grows.
///
/// ```swift
/// let status = try await store.appendLockStatus()
/// if let age = status.holderAge, age > .seconds(5) { logger.warning("appends blocked for \(age)") }
/// ```
public struct PostgresAppendLockStatus: Hashable, Sendable {
    /// How long the transaction holding the append lock has been open (`nil`: the lock is free).
    public let holderAge: Duration?
    /// The server process id of the holder, for `pg_terminate_backend`.
    public let holderProcessId: Int?
    /// How many sessions wait for the lock.
    public let waiting: Int
    /// The age of the oldest open transaction in the database (`nil`: none open).
    public let oldestTransactionAge: Duration?
}

extension PostgresEventStore {
    /// Reads who holds the append lock and how long the oldest transaction has been open.
    ///
    /// ```swift
    /// let status = try await store.appendLockStatus()
    /// print(status.waiting, status.holderAge ?? .zero)
    /// ```
    ///
    /// - Returns: The lock's holder, waiters and the oldest transaction's age.
    /// - Throws: A store error.
    public func appendLockStatus() async throws -> PostgresAppendLockStatus {
        let key = PostgresSchema.appendLock
        let high = key >> 32
        let low = key & 0xFFFF_FFFF
        return try await database.withConnection { connection in
            var status = PostgresAppendLockStatus(
                holderAge: nil, holderProcessId: nil, waiting: 0, oldestTransactionAge: nil)
            let rows = try await connection.query(
                """
                WITH lock AS (
                    SELECT l.pid, l.granted, a.xact_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.classid::bigint = \(high) AND l.objid::bigint = \(low)
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                )
                SELECT
                    (SELECT extract(epoch FROM clock_timestamp() - xact_start)::float8 FROM lock WHERE granted LIMIT 1),
                    (SELECT pid FROM lock WHERE granted LIMIT 1),
                    (SELECT count(*)::int FROM lock WHERE NOT granted),
                    (SELECT extract(epoch FROM clock_timestamp() - min(xact_start))::float8 FROM pg_stat_activity
                     WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid())
                """, logger: database.logger)
            for try await (holder, pid, waiting, oldest) in rows.decode((Double?, Int32?, Int32, Double?).self) {
                status = PostgresAppendLockStatus(
                    holderAge: holder.map { .milliseconds(Int64(($0 * 1_000).rounded())) },
                    holderProcessId: pid.map(Int.init), waiting: Int(waiting),
                    oldestTransactionAge: oldest.map { .milliseconds(Int64(($0 * 1_000).rounded())) })
            }
            return status
        }
    }
}

/// Samples ``PostgresEventStore/appendLockStatus()`` into gauges while the store is open:
/// `chronicle_postgres_append_lock_held_seconds`, `chronicle_postgres_append_lock_waiters`
/// and `chronicle_postgres_oldest_transaction_seconds`.
enum PostgresLockMetrics {
    static func sample(_ store: PostgresEventStore, every interval: Duration) -> Task<Void, Never> {
        let held = Gauge(label: "chronicle_postgres_append_lock_held_seconds")
        let waiters = Gauge(label: "chronicle_postgres_append_lock_waiters")
        let oldest = Gauge(label: "chronicle_postgres_oldest_transaction_seconds")
        return Task { [weak store] in
            while !Task.isCancelled {
                guard let current = store else { return }
                if let status = try? await current.appendLockStatus() {
                    held.record(status.holderAge.map(Self.seconds) ?? 0)
                    waiters.record(status.waiting)
                    oldest.record(status.oldestTransactionAge.map(Self.seconds) ?? 0)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
