@_spi(Implementing) public import Chronicle
public import Foundation
internal import GRDB

/// Dead letters in the store's own SQLite file (table `chronicle_dead_letters`).
///
/// ```swift
/// for letter in try await store.deadLetters.deadLetters(consumer: nil, limit: 20) {
///     print(letter.consumer, letter.position, letter.error)
/// }
/// ```
public struct SQLiteDeadLetterStore: DeadLetterStore {
    let store: SQLiteEventStore

    @discardableResult
    public func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return try await store.withMappedErrors {
            try await store.pool.write { db in
                try Self.park(event, consumer: consumer, error: error, attempts: attempts, in: db)
            }
        }
    }

    @discardableResult
    public func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return try await store.withMappedErrors {
            try await store.pool.write { db in
                try Self.park(
                    event, consumer: consumer, error: error, attempts: attempts, firstFailedAt: firstFailedAt, in: db)
            }
        }
    }

    public func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] {
        try AppendValidation.checkLimit(limit)
        return try await store.withMappedErrors {
            try await store.pool.read { db in
                var cache = SQLiteRowDecoding.StreamNameCache()
                let sql = "SELECT \(Self.columns) FROM chronicle_dead_letters "
                    + "WHERE (?1 IS NULL OR subscriber = ?1) ORDER BY id LIMIT ?2"
                return try Row.fetchAll(db, sql: sql, arguments: [consumer, limit]).map {
                    try Self.deadLetter(from: $0, cache: &cache)
                }
            }
        }
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await store.withMappedErrors {
            try await store.pool.read { db in try Self.deadLetter(id: id, in: db) }
        }
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        try await store.withMappedErrors {
            try await store.pool.write { db in try Self.recordFailedRetry(id: id, error: error, in: db) }
        }
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
        try await store.withMappedErrors {
            try await store.pool.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT subscriber, count(*) FROM chronicle_dead_letters GROUP BY subscriber")
                {
                    counts[row[0]] = row[1]
                }
                return counts
            }
        }
    }

    public func count(consumer: String?) async throws -> Int {
        try await store.withMappedErrors {
            try await store.pool.read { db in try Self.count(consumer: consumer, in: db) }
        }
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        try await store.withMappedErrors {
            try await store.pool.write { db in try Self.remove(id: id, in: db) }
        }
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        try await store.withMappedErrors {
            try await store.pool.write { db in try Self.purge(consumer: consumer, in: db) }
        }
    }

    static func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date? = nil,
        in db: Database
    ) throws -> DeadLetter {
        let failedAt = SQLiteTime.now()
        let firstFailed = firstFailedAt.map(SQLiteTime.microseconds)
        var arguments: StatementArguments = [
            consumer, event.position.rawValue, event.id, event.stream.description, event.type, error, attempts, failedAt,
        ]
        // Without a first failure the column is left to its default (NULL): the
        // statement is then the one schemas before 7 had, which the migration
        // tests run on files of those schemas.
        if let firstFailed {
            arguments += [firstFailed]
            try db.execute(
                sql: """
                    INSERT INTO chronicle_dead_letters
                        (subscriber, position, event_id, stream, type, error, attempts, failed_at, first_failed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: arguments)
        } else {
            try db.execute(
                sql: """
                    INSERT INTO chronicle_dead_letters
                        (subscriber, position, event_id, stream, type, error, attempts, failed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: arguments)
        }
        return DeadLetter(
            id: db.lastInsertedRowID, consumer: consumer, position: event.position, eventId: event.id,
            stream: event.stream, type: event.type, error: error, attempts: attempts, failedAt: SQLiteTime.date(failedAt),
            firstFailedAt: firstFailed.map(SQLiteTime.date))
    }

    static let columns = "id, subscriber, position, event_id, stream, type, error, attempts, failed_at, first_failed_at"

    static func deadLetter(from row: Row, cache: inout SQLiteRowDecoding.StreamNameCache) throws -> DeadLetter {
        DeadLetter(
            id: row[0], consumer: row[1], position: GlobalPosition(row[2] as Int64),
            eventId: try SQLiteRowDecoding.uuid(row[3], position: row[2]),
            stream: try cache.name(for: row[4]), type: row[5], error: row[6], attempts: row[7],
            failedAt: SQLiteTime.date(row[8]), firstFailedAt: (row[9] as Int64?).map(SQLiteTime.date))
    }

    static func deadLetter(id: Int64, in db: Database) throws -> DeadLetter? {
        var cache = SQLiteRowDecoding.StreamNameCache()
        return try Row.fetchOne(db, sql: "SELECT \(columns) FROM chronicle_dead_letters WHERE id = ?", arguments: [id])
            .map { try deadLetter(from: $0, cache: &cache) }
    }

    static func recordFailedRetry(id: Int64, error: String, in db: Database) throws -> DeadLetter? {
        try db.execute(
            sql: "UPDATE chronicle_dead_letters SET attempts = attempts + 1, error = ?, failed_at = ? WHERE id = ?",
            arguments: [error, SQLiteTime.now(), id])
        return try deadLetter(id: id, in: db)
    }

    static func remove(id: Int64, in db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM chronicle_dead_letters WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    static func count(consumer: String?, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM chronicle_dead_letters WHERE (?1 IS NULL OR subscriber = ?1)",
            arguments: [consumer]) ?? 0
    }

    static func purge(consumer: String?, in db: Database) throws -> Int {
        try db.execute(
            sql: "DELETE FROM chronicle_dead_letters WHERE (?1 IS NULL OR subscriber = ?1)", arguments: [consumer])
        return db.changesCount
    }
}

extension SQLiteEventStore {
    /// Dead letters kept in this store's file.
    ///
    /// ```swift
    /// let stuck = try await store.deadLetters.count(consumer: nil)
    /// ```
    public var deadLetters: SQLiteDeadLetterStore { SQLiteDeadLetterStore(store: self) }
}
