@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import Logging
internal import PostgresNIO

/// The statements on `chronicle_checkpoints` and `chronicle_dead_letters`
/// (schema migration 1) that exactly-once projections run inside their own
/// transactions, on the transaction's connection, and the bus inbox's
/// (`chronicle_bus_inbox`, migration 2).
///
/// A checkpoint store and a dead-letter store for PostgreSQL need the same
/// statements outside a projection's transaction; they can share these (take a
/// connection from the pool and call them) instead of keeping copies.
enum PostgresConsumerRows {
    /// The first key of the projections' advisory locks ("CHEP"); the second is
    /// the `hashtext` of the projection's name. The two-key form has a key space
    /// of its own, apart from the store's one-key locks (appends, migrations).
    static let projectionLockNamespace: Int32 = 0x4348_4550

    /// Takes the projection's transaction-scoped lock: applying, parking,
    /// retrying, preparing and resetting one projection are serialised across
    /// every pool on the database. Two names whose hashes collide only share a
    /// lock (they wait for each other), never a checkpoint.
    ///
    /// Sent as a statement of its own, so that the statements after it read
    /// what was committed before the lock was granted.
    static func lockProjection(_ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(projectionLockNamespace), hashtext(\(name)))", logger: logger)
    }

    // MARK: Checkpoints

    /// The committed checkpoint of `name` (`GlobalPosition/none` when it has none).
    static func checkpoint(_ name: String, on connection: PostgresConnection, logger: Logger) async throws
        -> GlobalPosition
    {
        var position = GlobalPosition.none
        for try await value in try await connection.query(
            "SELECT position FROM chronicle_checkpoints WHERE name = \(name)", logger: logger
        ).decode(Int64.self) {
            position = GlobalPosition(value)
        }
        return position
    }

    /// Saves `name`'s checkpoint (inserting or replacing it).
    static func saveCheckpoint(
        _ position: GlobalPosition, named name: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO chronicle_checkpoints (name, position, updated_at) VALUES (\(name), \(position.rawValue), \(PostgresTime.now()))
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            """, logger: logger)
    }

    /// Saves `name`'s checkpoint at `position` unless it is already at or past
    /// it: a checkpoint never moves back, also when two transactions race (the
    /// upsert locks the row).
    static func advanceCheckpoint(
        _ position: GlobalPosition, named name: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO chronicle_checkpoints (name, position, updated_at) VALUES (\(name), \(position.rawValue), \(PostgresTime.now()))
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            WHERE chronicle_checkpoints.position < excluded.position
            """, logger: logger)
    }

    /// Deletes `name`'s checkpoint.
    static func deleteCheckpoint(_ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM chronicle_checkpoints WHERE name = \(name)", logger: logger)
    }

    // MARK: The bus's inbox

    /// Adds `message` to the inbox of `consumer` (schema migration 2); returns
    /// `false` when it was there already. A transaction adding the same id
    /// concurrently waits for this one to end, then finds it (or adds it, when
    /// this one rolled back).
    static func addToInbox(
        _ message: UUID, consumer: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        var added = false
        for try await _ in try await connection.query(
            """
            INSERT INTO chronicle_bus_inbox (consumer, message_id, processed_at)
            VALUES (\(consumer), \(message), \(PostgresTime.now()))
            ON CONFLICT (consumer, message_id) DO NOTHING RETURNING 1
            """, logger: logger
        ).decode(Int32.self) {
            added = true
        }
        return added
    }

    // MARK: Dead letters

    /// The columns ``deadLetter(from:)`` decodes, in its order.
    static let deadLetterColumns =
        "id, consumer, position, event_id, stream, type, error, attempts, failed_at, first_failed_at"

    /// Parks `event` for `consumer` and returns the new entry.
    @discardableResult
    static func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> DeadLetter {
        let firstFailed = firstFailedAt.map(PostgresTime.microseconds)
        let letters = try await deadLetters(
            """
            INSERT INTO chronicle_dead_letters
                (consumer, position, event_id, stream, type, error, attempts, failed_at, first_failed_at)
            VALUES (\(consumer), \(event.position.rawValue), \(event.id), \(event.stream.description), \(event.type),
                    \(error), \(Int64(attempts)), \(PostgresTime.now()), \(firstFailed))
            RETURNING \(unescaped: deadLetterColumns)
            """, on: connection, logger: logger)
        guard let letter = letters.first else {
            throw EventStoreError(code: .storageUnavailable, message: "PostgreSQL returned no row for a parked event")
        }
        return letter
    }

    /// The number of `consumer`'s dead letters.
    static func deadLetterCount(_ consumer: String, on connection: PostgresConnection, logger: Logger) async throws
        -> Int
    {
        var count = 0
        for try await value in try await connection.query(
            "SELECT count(*) FROM chronicle_dead_letters WHERE consumer = \(consumer)", logger: logger
        ).decode(Int64.self) {
            count = Int(value)
        }
        return count
    }

    /// Deletes every dead letter of `consumer`.
    static func purgeDeadLetters(_ consumer: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM chronicle_dead_letters WHERE consumer = \(consumer)", logger: logger)
    }

    /// The dead letter `id`, locked until the transaction ends (a concurrent
    /// retry of the same entry waits, then finds it gone).
    static func lockDeadLetter(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> DeadLetter? {
        try await deadLetters(
            "SELECT \(unescaped: deadLetterColumns) FROM chronicle_dead_letters WHERE id = \(id) FOR UPDATE",
            on: connection, logger: logger
        ).first
    }

    /// Deletes the dead letter `id`.
    static func removeDeadLetter(id: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM chronicle_dead_letters WHERE id = \(id)", logger: logger)
    }

    /// Adds an attempt and the new error to the dead letter `id`; returns it
    /// (nil when it is gone).
    static func recordFailedRetry(
        id: Int64, error: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> DeadLetter? {
        try await deadLetters(
            """
            UPDATE chronicle_dead_letters SET attempts = attempts + 1, error = \(error), failed_at = \(PostgresTime.now())
            WHERE id = \(id) RETURNING \(unescaped: deadLetterColumns)
            """,
            on: connection, logger: logger
        ).first
    }

    /// Runs a query selecting ``deadLetterColumns`` and decodes its rows.
    static func deadLetters(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (id, consumer, position, eventId, stream, type, error, attempts, failedAt, firstFailedAt) in rows
            .decode((Int64, String, Int64, UUID, String, String, String, Int64, Int64, Int64?).self)
        {
            letters.append(
                DeadLetter(
                    id: id, consumer: consumer, position: GlobalPosition(position), eventId: eventId,
                    stream: try PostgresRowDecoding.streamName(stream), type: type, error: error,
                    attempts: Int(attempts), failedAt: PostgresTime.date(failedAt),
                    firstFailedAt: firstFailedAt.map(PostgresTime.date)))
        }
        return letters
    }
}
