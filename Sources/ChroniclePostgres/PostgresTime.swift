internal import Foundation

/// Times as stored: integer microseconds since 1970 (`bigint` columns).
///
/// Checkpoints, snapshots and dead letters carry the app's time, as in the
/// SQLite store; leases carry the server's (``PostgresLeaseStore``).
enum PostgresTime {
    /// The app's clock now.
    static func now() -> Int64 { microseconds(Date()) }
    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
