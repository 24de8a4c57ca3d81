@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

/// Checkpoints in the store's own SQLite file (table `chronicle_checkpoints`).
///
/// ```swift
/// let checkpoints = store.checkpoints
/// try await checkpoints.save(120, named: "mailer")
/// ```
public struct SQLiteCheckpointStore: CheckpointStore {
    let store: SQLiteEventStore

    public func checkpoint(named name: String) async throws -> Checkpoint? {
        try await store.withMappedErrors {
            try await store.pool.read { db in try Self.checkpoint(named: name, in: db) }
        }
    }

    public func save(_ position: GlobalPosition, named name: String) async throws {
        try AppendValidation.checkCheckpoint(position)
        try await store.withMappedErrors {
            try await store.pool.write { db in try Self.save(position, named: name, in: db) }
        }
    }

    public func reset(named name: String) async throws {
        try await store.withMappedErrors {
            try await store.pool.write { db in try Self.reset(named: name, in: db) }
        }
    }

    public func checkpoints() async throws -> [Checkpoint] {
        try await store.withMappedErrors {
            try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT name, position, updated_at FROM chronicle_checkpoints ORDER BY name")
                    .map(Self.checkpoint(from:))
            }
        }
    }

    static func checkpoint(named name: String, in db: Database) throws -> Checkpoint? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT name, position, updated_at FROM chronicle_checkpoints WHERE name = ?"),
            arguments: [name]
        ).map(checkpoint(from:))
    }

    static func save(_ position: GlobalPosition, named name: String, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO chronicle_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """
        ).execute(arguments: [name, position.rawValue, SQLiteTime.now()])
    }

    static func reset(named name: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM chronicle_checkpoints WHERE name = ?", arguments: [name])
    }

    private static func checkpoint(from row: Row) -> Checkpoint {
        Checkpoint(
            name: row[0], position: GlobalPosition(row[1] as Int64), updatedAt: SQLiteTime.date(row[2]))
    }
}

extension SQLiteEventStore {
    /// Checkpoints kept in this store's file.
    ///
    /// ```swift
    /// let position = try await store.checkpoints.checkpoint(named: "mailer")?.position ?? .none
    /// ```
    public var checkpoints: SQLiteCheckpointStore { SQLiteCheckpointStore(store: self) }
}

/// Times as stored: integer microseconds since 1970.
enum SQLiteTime {
    static func now() -> Int64 { microseconds(Date()) }
    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }
}
