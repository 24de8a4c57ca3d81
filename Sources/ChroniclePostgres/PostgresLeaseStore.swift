public import Chronicle
internal import Foundation
internal import PostgresNIO

/// Consumers' leases in the store's own database (table `chronicle_leases`):
/// one app server at a time runs each projection, across every server that
/// opens the database.
///
/// **Expiry is judged by the database server's clock**, never the app's:
/// app servers on different machines share one database and their clocks
/// differ, so an app clock a few seconds fast would take over a lease its
/// holder still believes it has. Every statement reads the time from
/// `chronicle_now()`, a function of the schema returning `clock_timestamp()`
/// in microseconds (one definition for every statement); the `acquiredAt` and
/// `expiresAt` of a returned `Lease` are therefore the server's times, and
/// a holder should renew well before `expiresAt` by its own elapsed time
/// (a lease lasts its duration), not by comparing `expiresAt` with its clock.
///
/// **Each call is one atomic statement.** `acquire` is one
/// `INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE` (the lease has expired
/// or is the caller's) `RETURNING`: no row back means another owner holds it.
/// Concurrent callers serialise on the row lock, and PostgreSQL re-checks the
/// condition against the winner's row, so of many owners racing for a free
/// lease exactly one gets it. The statement reads the clock once, before any
/// wait for that row lock, so a caller that waited judges expiry by a time a
/// little early: it may be refused a lease that expired during the wait, never
/// given one that had not. `renew` and `release` are one `UPDATE` each,
/// matching name, owner and token. A lease's row is never deleted (a release
/// sets its expiry to now), so tokens strictly increase per name: a new tenure
/// takes the stored token plus one.
///
/// ```swift
/// let store = try await PostgresEventStore(url: "postgres://app@db.internal/orders")
/// if let lease = try await store.leases.acquire("mailer", owner: Lease.processOwner(), duration: .seconds(15)) {
///     defer { Task { try await store.leases.release(lease) } }
///     // ... run the mailer
/// }
/// ```
public struct PostgresLeaseStore: LeaseStore {
    let store: PostgresEventStore

    private static let columns = "held.name, held.owner, held.token, held.acquired_at, held.expires_at"

    public func acquire(_ name: String, owner: String, duration: Duration) async throws -> Lease? {
        try Self.validate(name: name, owner: owner, duration: duration)
        let length = Self.microseconds(duration)
        // `excluded.acquired_at` is the server's time now; a live lease (expires_at
        // after it) is extended for its owner and keeps its token and start.
        return try await fetch(
            """
            INSERT INTO chronicle_leases AS held (name, owner, token, acquired_at, expires_at)
            SELECT \(name), \(owner), 1, clock.now, clock.now + \(length) FROM (SELECT chronicle_now() AS now) AS clock
            ON CONFLICT (name) DO UPDATE SET
                owner = excluded.owner,
                token = CASE WHEN held.expires_at > excluded.acquired_at THEN held.token ELSE held.token + 1 END,
                acquired_at = CASE WHEN held.expires_at > excluded.acquired_at
                    THEN held.acquired_at ELSE excluded.acquired_at END,
                expires_at = CASE WHEN held.expires_at > excluded.acquired_at
                    THEN greatest(held.expires_at, excluded.expires_at) ELSE excluded.expires_at END
            WHERE held.expires_at <= excluded.acquired_at OR held.owner = excluded.owner
            RETURNING \(unescaped: Self.columns)
            """
        ).first
    }

    public func renew(_ lease: Lease, duration: Duration) async throws -> Lease? {
        try Self.validate(name: lease.name, owner: lease.owner, duration: duration)
        let length = Self.microseconds(duration)
        return try await fetch(
            """
            UPDATE chronicle_leases AS held SET expires_at = greatest(held.expires_at, clock.now + \(length))
            FROM (SELECT chronicle_now() AS now) AS clock
            WHERE held.name = \(lease.name) AND held.owner = \(lease.owner) AND held.token = \(lease.token)
                AND held.expires_at > clock.now
            RETURNING \(unescaped: Self.columns)
            """
        ).first
    }

    public func release(_ lease: Lease) async throws {
        try await store.execute(
            """
            UPDATE chronicle_leases AS held SET expires_at = clock.now
            FROM (SELECT chronicle_now() AS now) AS clock
            WHERE held.name = \(lease.name) AND held.owner = \(lease.owner) AND held.token = \(lease.token)
                AND held.expires_at > clock.now
            """)
    }

    public func holder(of name: String) async throws -> Lease? {
        try await fetch(
            """
            SELECT \(unescaped: Self.columns) FROM chronicle_leases AS held, (SELECT chronicle_now() AS now) AS clock
            WHERE held.name = \(name) AND held.expires_at > clock.now
            """
        ).first
    }

    public func leases() async throws -> [Lease] {
        try await fetch(
            """
            SELECT \(unescaped: Self.columns) FROM chronicle_leases AS held, (SELECT chronicle_now() AS now) AS clock
            WHERE held.expires_at > clock.now ORDER BY held.name
            """)
    }

    /// Runs a query that returns lease rows (``columns``) and decodes them.
    private func fetch(_ query: PostgresQuery) async throws -> [Lease] {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            var leases: [Lease] = []
            let rows = try await connection.query(query, logger: store.database.logger)
            for try await (name, owner, token, acquiredAt, expiresAt) in rows.decode(
                (String, String, Int64, Int64, Int64).self)
            {
                leases.append(
                    Lease(
                        name: name, owner: owner, token: token, acquiredAt: PostgresTime.date(acquiredAt),
                        expiresAt: PostgresTime.date(expiresAt)))
            }
            return leases
        }
    }
}

extension PostgresEventStore: LeaseProviding {
    /// Consumers' leases kept in this store's database; a `ProjectionRunner`
    /// on this store uses them unless it is given others.
    ///
    /// ```swift
    /// for lease in try await store.leases.leases() { print(lease.name, lease.owner, lease.expiresAt) }
    /// ```
    public var leases: PostgresLeaseStore { PostgresLeaseStore(store: self) }
}
