public import Chronicle
internal import Foundation
internal import GRDB

/// Consumers' leases in the store's own SQLite file (table `chronicle_leases`):
/// one process at a time runs each projection, across every process that opens
/// the file.
///
/// Expiry is judged by SQLite's notion of now (`julianday('now')`, the
/// machine's wall clock), read inside the write transaction that acquires,
/// renews or releases: every process sharing the file is on one machine and
/// reads the same clock. Each call is one short write transaction through
/// GRDB's asynchronous API, which waits for another process's write lock on
/// GRDB's queue rather than on a thread of Swift's cooperative pool.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite")
/// if let lease = try await store.leases.acquire("mailer", owner: Lease.processOwner(), duration: .seconds(15)) {
///     defer { Task { try await store.leases.release(lease) } }
///     // ... run the mailer
/// }
/// ```
public struct SQLiteLeaseStore: LeaseStore {
    let store: SQLiteEventStore

    /// SQLite's current time in microseconds since 1970 (millisecond precision).
    private static let nowSQL = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) * 1000"

    public func acquire(_ name: String, owner: String, duration: Duration) async throws -> Lease? {
        try Self.validate(name: name, owner: owner, duration: duration)
        let length = Self.microseconds(duration)
        return try await store.withMappedErrors {
            try await store.pool.write { db -> Lease? in
                let now = try Self.now(db)
                let current = try Self.lease(named: name, in: db)
                if let current, SQLiteTime.microseconds(current.expiresAt) > now {
                    guard current.owner == owner else { return nil }
                    let expiry = max(now + length, SQLiteTime.microseconds(current.expiresAt))
                    try db.execute(
                        sql: "UPDATE chronicle_leases SET expires_at = ? WHERE name = ?", arguments: [expiry, name])
                    return Self.lease(name, owner, current.token, SQLiteTime.microseconds(current.acquiredAt), expiry)
                }
                let token = (current?.token ?? 0) + 1
                try db.execute(
                    sql: """
                        INSERT INTO chronicle_leases (name, owner, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = excluded.token,
                            acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                        """, arguments: [name, owner, token, now, now + length])
                return Self.lease(name, owner, token, now, now + length)
            }
        }
    }

    public func renew(_ lease: Lease, duration: Duration) async throws -> Lease? {
        try Self.validate(name: lease.name, owner: lease.owner, duration: duration)
        let length = Self.microseconds(duration)
        return try await store.withMappedErrors {
            try await store.pool.write { db -> Lease? in
                let now = try Self.now(db)
                guard let current = try Self.lease(named: lease.name, in: db), current.owner == lease.owner,
                    current.token == lease.token, SQLiteTime.microseconds(current.expiresAt) > now
                else { return nil }
                let expiry = max(now + length, SQLiteTime.microseconds(current.expiresAt))
                try db.cachedStatement(sql: "UPDATE chronicle_leases SET expires_at = ? WHERE name = ?")
                    .execute(arguments: [expiry, lease.name])
                return Self.lease(
                    lease.name, lease.owner, lease.token, SQLiteTime.microseconds(current.acquiredAt), expiry)
            }
        }
    }

    public func release(_ lease: Lease) async throws {
        try await store.withMappedErrors {
            try await store.pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE chronicle_leases SET expires_at = \(Self.nowSQL)
                        WHERE name = ? AND owner = ? AND token = ? AND expires_at > \(Self.nowSQL)
                        """, arguments: [lease.name, lease.owner, lease.token])
            }
        }
    }

    public func holder(of name: String) async throws -> Lease? {
        try await store.withMappedErrors {
            try await store.pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT name, owner, token, acquired_at, expires_at FROM chronicle_leases
                        WHERE name = ? AND expires_at > \(Self.nowSQL)
                        """, arguments: [name]
                ).map(Self.lease(from:))
            }
        }
    }

    public func leases() async throws -> [Lease] {
        try await store.withMappedErrors {
            try await store.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT name, owner, token, acquired_at, expires_at FROM chronicle_leases
                        WHERE expires_at > \(Self.nowSQL) ORDER BY name
                        """
                ).map(Self.lease(from:))
            }
        }
    }

    private static func now(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT \(nowSQL)")) ?? 0
    }

    /// The row of a name, expired or not.
    private static func lease(named name: String, in db: Database) throws -> Lease? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT name, owner, token, acquired_at, expires_at FROM chronicle_leases WHERE name = ?"),
            arguments: [name]
        ).map(lease(from:))
    }

    private static func lease(from row: Row) -> Lease {
        lease(row[0], row[1], row[2], row[3], row[4])
    }

    private static func lease(_ name: String, _ owner: String, _ token: Int64, _ acquired: Int64, _ expires: Int64)
        -> Lease
    {
        Lease(
            name: name, owner: owner, token: token, acquiredAt: SQLiteTime.date(acquired),
            expiresAt: SQLiteTime.date(expires))
    }
}

extension SQLiteEventStore: LeaseProviding {
    /// Consumers' leases kept in this store's file; a `ProjectionRunner` on
    /// this store uses them unless it is given others.
    ///
    /// ```swift
    /// for lease in try await store.leases.leases() { print(lease.name, lease.owner, lease.expiresAt) }
    /// ```
    public var leases: SQLiteLeaseStore { SQLiteLeaseStore(store: self) }
}
