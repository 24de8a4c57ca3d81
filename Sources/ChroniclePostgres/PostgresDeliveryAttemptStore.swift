public import Chronicle
public import Foundation
internal import PostgresNIO

/// Failed delivery attempts of the bus's consumer groups in the store's own
/// database (table `chronicle_delivery_attempts`, one row per group and
/// message), so that retries resume after a restart.
///
/// Each failure is one upsert, so failures recorded by several app servers at
/// once all count. Group names compare by their bytes (the "C" collation).
/// Times are the app's clock, as for checkpoints and dead letters.
///
/// ```swift
/// let failed = try await store.attempts.recordFailure(consumer: "payments", message: id, error: "timeout")
/// print(failed.attempts, failed.firstFailedAt)
/// ```
public struct PostgresDeliveryAttemptStore: DeliveryAttemptStore {
    let store: PostgresEventStore

    private static let columns = "attempts, first_failed_at, last_failed_at, last_error"

    public func attempts(consumer: String, message: UUID) async throws -> DeliveryAttempts? {
        try await fetch(
            """
            SELECT \(unescaped: Self.columns) FROM chronicle_delivery_attempts
            WHERE consumer = \(consumer) AND message_id = \(message)
            """, consumer: consumer, message: message)
    }

    @discardableResult
    public func recordFailure(consumer: String, message: UUID, error: String) async throws -> DeliveryAttempts {
        let now = PostgresTime.now()
        let record = try await fetch(
            """
            INSERT INTO chronicle_delivery_attempts
                (consumer, message_id, attempts, first_failed_at, last_failed_at, last_error)
            VALUES (\(consumer), \(message), 1, \(now), \(now), \(error))
            ON CONFLICT (consumer, message_id) DO UPDATE SET
                attempts = chronicle_delivery_attempts.attempts + 1, last_failed_at = excluded.last_failed_at,
                last_error = excluded.last_error
            RETURNING \(unescaped: Self.columns)
            """, consumer: consumer, message: message)
        guard let record else {
            throw EventStoreError(
                code: .storageUnavailable, message: "PostgreSQL returned no row for a recorded delivery attempt")
        }
        return record
    }

    public func clear(consumer: String, message: UUID) async throws {
        try await store.execute(
            "DELETE FROM chronicle_delivery_attempts WHERE consumer = \(consumer) AND message_id = \(message)")
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        if let consumer {
            return Int(
                try await store.scalar(
                    """
                    WITH gone AS (DELETE FROM chronicle_delivery_attempts WHERE consumer = \(consumer) RETURNING 1)
                    SELECT count(*) FROM gone
                    """))
        }
        return Int(
            try await store.scalar(
                "WITH gone AS (DELETE FROM chronicle_delivery_attempts RETURNING 1) SELECT count(*) FROM gone"))
    }

    /// Runs a query returning at most one row of ``columns`` and decodes it.
    private func fetch(_ query: PostgresQuery, consumer: String, message: UUID) async throws -> DeliveryAttempts? {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            var record: DeliveryAttempts?
            let rows = try await connection.query(query, logger: store.database.logger)
            for try await (attempts, first, last, error) in rows.decode((Int64, Int64, Int64, String).self) {
                record = DeliveryAttempts(
                    consumer: consumer, messageId: message, attempts: Int(attempts),
                    firstFailedAt: PostgresTime.date(first), lastFailedAt: PostgresTime.date(last), lastError: error)
            }
            return record
        }
    }
}

extension PostgresEventStore {
    /// The bus's failed delivery attempts, kept in this store's database.
    ///
    /// ```swift
    /// let failed = try await store.attempts.attempts(consumer: "payments", message: id)?.attempts ?? 0
    /// ```
    public var attempts: PostgresDeliveryAttemptStore { PostgresDeliveryAttemptStore(store: self) }
}
