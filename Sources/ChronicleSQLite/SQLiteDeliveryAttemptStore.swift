public import Chronicle
public import Foundation
internal import GRDB

/// Failed delivery attempts of the bus's consumer groups in the store's own
/// SQLite file (table `chronicle_delivery_attempts`, one row per group and
/// message), so that retries resume after a restart.
///
/// Each failure is one upsert in a write transaction, so failures recorded by
/// several processes at once all count. Times are the app's clock, in
/// microseconds, as for checkpoints and dead letters.
///
/// ```swift
/// let failed = try await store.attempts.recordFailure(consumer: "payments", message: id, error: "timeout")
/// print(failed.attempts, failed.firstFailedAt)
/// ```
public struct SQLiteDeliveryAttemptStore: DeliveryAttemptStore {
    let store: SQLiteEventStore

    public func attempts(consumer: String, message: UUID) async throws -> DeliveryAttempts? {
        try await store.withMappedErrors {
            try await store.pool.read { db in try Self.attempts(consumer: consumer, message: message, in: db) }
        }
    }

    @discardableResult
    public func recordFailure(consumer: String, message: UUID, error: String) async throws -> DeliveryAttempts {
        try await store.withMappedErrors {
            try await store.pool.write { db in
                let now = SQLiteTime.now()
                try db.execute(
                    sql: """
                        INSERT INTO chronicle_delivery_attempts
                            (consumer, message_id, attempts, first_failed_at, last_failed_at, last_error)
                        VALUES (?, ?, 1, ?, ?, ?)
                        ON CONFLICT (consumer, message_id) DO UPDATE SET
                            attempts = attempts + 1, last_failed_at = excluded.last_failed_at,
                            last_error = excluded.last_error
                        """,
                    arguments: [consumer, message, now, now, error])
                guard let record = try Self.attempts(consumer: consumer, message: message, in: db) else {
                    throw EventStoreError(
                        code: .storageUnavailable, message: "SQLite kept no row for a recorded delivery attempt")
                }
                return record
            }
        }
    }

    public func clear(consumer: String, message: UUID) async throws {
        try await store.withMappedErrors {
            try await store.pool.write { db in
                try db.execute(
                    sql: "DELETE FROM chronicle_delivery_attempts WHERE consumer = ? AND message_id = ?",
                    arguments: [consumer, message])
            }
        }
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        try await store.withMappedErrors {
            try await store.pool.write { db in
                try db.execute(
                    sql: "DELETE FROM chronicle_delivery_attempts WHERE (?1 IS NULL OR consumer = ?1)",
                    arguments: [consumer])
                return db.changesCount
            }
        }
    }

    static func attempts(consumer: String, message: UUID, in db: Database) throws -> DeliveryAttempts? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT attempts, first_failed_at, last_failed_at, last_error FROM chronicle_delivery_attempts
                    WHERE consumer = ? AND message_id = ?
                    """),
            arguments: [consumer, message]
        ).map { row in
            DeliveryAttempts(
                consumer: consumer, messageId: message, attempts: row[0], firstFailedAt: SQLiteTime.date(row[1]),
                lastFailedAt: SQLiteTime.date(row[2]), lastError: row[3])
        }
    }
}

extension SQLiteEventStore {
    /// The bus's failed delivery attempts, kept in this store's file.
    ///
    /// ```swift
    /// let failed = try await store.attempts.attempts(consumer: "payments", message: id)?.attempts ?? 0
    /// ```
    public var attempts: SQLiteDeliveryAttemptStore { SQLiteDeliveryAttemptStore(store: self) }
}
