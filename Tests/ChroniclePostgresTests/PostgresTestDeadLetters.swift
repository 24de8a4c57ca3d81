@_spi(Implementing) import Chronicle
@testable import ChroniclePostgres
import Foundation
import PostgresNIO

/// A `DeadLetterStore` over the store's `chronicle_dead_letters` table, for the
/// exactly-once checks, which read and park dead letters besides the
/// projection. A stand-in until ChroniclePostgres has its own dead-letter
/// store: the harness then uses that one (`store.deadLetters`) instead.
struct PostgresTestDeadLetters: DeadLetterStore {
    let store: PostgresEventStore

    private func rows(_ query: PostgresQuery) async throws -> [DeadLetter] {
        try await store.database.withConnection { connection in
            try await PostgresConsumerRows.deadLetters(query, on: connection, logger: store.database.logger)
        }
    }

    private func scalar(_ query: PostgresQuery) async throws -> Int {
        try await store.database.withConnection { connection in
            var value = 0
            for try await row in try await connection.query(query, logger: store.database.logger).decode(Int64.self) {
                value = Int(row)
            }
            return value
        }
    }

    func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter {
        try await rows(
            """
            INSERT INTO chronicle_dead_letters (consumer, position, event_id, stream, type, error, attempts, failed_at)
            VALUES (\(consumer), \(event.position.rawValue), \(event.id), \(event.stream.description), \(event.type),
                    \(error), \(Int32(attempts)), \(PostgresConsumerRows.now()))
            RETURNING \(unescaped: PostgresConsumerRows.deadLetterColumns)
            """)[0]
    }

    func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] {
        try await rows(
            """
            SELECT \(unescaped: PostgresConsumerRows.deadLetterColumns) FROM chronicle_dead_letters
            WHERE \(consumer)::text IS NULL OR consumer = \(consumer) ORDER BY id LIMIT \(Int64(limit))
            """)
    }

    func count(consumer: String?) async throws -> Int {
        try await scalar(
            "SELECT count(*) FROM chronicle_dead_letters WHERE \(consumer)::text IS NULL OR consumer = \(consumer)")
    }

    func remove(id: Int64) async throws -> Bool {
        try await scalar("WITH gone AS (DELETE FROM chronicle_dead_letters WHERE id = \(id) RETURNING 1) SELECT count(*) FROM gone") > 0
    }

    func purge(consumer: String?) async throws -> Int {
        try await scalar(
            """
            WITH gone AS (DELETE FROM chronicle_dead_letters WHERE \(consumer)::text IS NULL OR consumer = \(consumer)
            RETURNING 1) SELECT count(*) FROM gone
            """)
    }

    func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        try await store.database.withConnection { connection in
            try await PostgresConsumerRows.recordFailedRetry(
                id: id, error: error, on: connection, logger: store.database.logger)
        }
    }

    func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await rows(
            "SELECT \(unescaped: PostgresConsumerRows.deadLetterColumns) FROM chronicle_dead_letters WHERE id = \(id)"
        ).first
    }
}
