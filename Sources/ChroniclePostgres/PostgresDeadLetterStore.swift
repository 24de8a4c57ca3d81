@_spi(Implementing) public import Chronicle
public import Foundation
internal import PostgresNIO

/// Dead letters in the store's own database (table `chronicle_dead_letters`).
///
/// Ids come from the table's identity column, so they increase and are never
/// reused, even after the newest entry is removed or all are purged, and
/// parks from several app servers at once get distinct ids. Consumer names are
/// compared by their bytes (the "C" collation). The time of a park or a
/// failed retry is the app's clock, as in the SQLite store.
///
/// ```swift
/// for letter in try await store.deadLetters.deadLetters(consumer: nil, limit: 20) {
///     print(letter.consumer, letter.position, letter.error)
/// }
/// ```
public struct PostgresDeadLetterStore: DeadLetterStore, DeadLetterCounting {
    let store: PostgresEventStore

    private static let columns = PostgresConsumerRows.deadLetterColumns

    @discardableResult
    public func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            try await PostgresConsumerRows.park(
                event, consumer: consumer, error: error, attempts: attempts, on: connection, logger: store.database.logger)
        }
    }

    @discardableResult
    public func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            try await PostgresConsumerRows.park(
                event, consumer: consumer, error: error, attempts: attempts, firstFailedAt: firstFailedAt,
                on: connection, logger: store.database.logger)
        }
    }

    public func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] {
        try AppendValidation.checkLimit(limit)
        if let consumer {
            return try await fetch(
                """
                SELECT \(unescaped: Self.columns) FROM chronicle_dead_letters WHERE consumer = \(consumer)
                ORDER BY id LIMIT \(Int64(limit))
                """)
        }
        return try await fetch(
            "SELECT \(unescaped: Self.columns) FROM chronicle_dead_letters ORDER BY id LIMIT \(Int64(limit))")
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await fetch("SELECT \(unescaped: Self.columns) FROM chronicle_dead_letters WHERE id = \(id)").first
    }

    /// The number of entries of each consumer that has any.
    ///
    /// ```swift
    /// for (consumer, count) in try await store.deadLetters.countsByConsumer() { print(consumer, count) }
    /// ```
    ///
    /// - Returns: Entry counts keyed by consumer name.
    /// - Throws: `EventStoreError` on a storage failure.
    public func countsByConsumer() async throws -> [String: Int] {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            var counts: [String: Int] = [:]
            let rows = try await connection.query(
                "SELECT consumer, count(*) FROM chronicle_dead_letters GROUP BY consumer", logger: store.database.logger)
            for try await (consumer, count) in rows.decode((String, Int64).self) { counts[consumer] = Int(count) }
            return counts
        }
    }

    public func count(consumer: String?) async throws -> Int {
        if let consumer {
            return Int(try await store.scalar("SELECT count(*) FROM chronicle_dead_letters WHERE consumer = \(consumer)"))
        }
        return Int(try await store.scalar("SELECT count(*) FROM chronicle_dead_letters"))
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        try await store.scalar(
            "WITH gone AS (DELETE FROM chronicle_dead_letters WHERE id = \(id) RETURNING 1) SELECT count(*) FROM gone"
        ) > 0
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        if let consumer {
            return Int(
                try await store.scalar(
                    """
                    WITH gone AS (DELETE FROM chronicle_dead_letters WHERE consumer = \(consumer) RETURNING 1)
                    SELECT count(*) FROM gone
                    """))
        }
        return Int(
            try await store.scalar(
                "WITH gone AS (DELETE FROM chronicle_dead_letters RETURNING 1) SELECT count(*) FROM gone"))
    }

    /// Runs a query that returns dead-letter rows (``columns``) and decodes them.
    private func fetch(_ query: PostgresQuery) async throws -> [DeadLetter] {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            try await PostgresConsumerRows.deadLetters(query, on: connection, logger: store.database.logger)
        }
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        try Task.checkCancellation()
        return try await store.database.withConnection { connection in
            try await PostgresConsumerRows.recordFailedRetry(
                id: id, error: error, on: connection, logger: store.database.logger)
        }
    }
}

extension PostgresEventStore {
    /// Dead letters kept in this store's database.
    ///
    /// ```swift
    /// let stuck = try await store.deadLetters.count(consumer: nil)
    /// ```
    public var deadLetters: PostgresDeadLetterStore { PostgresDeadLetterStore(store: self) }
}
