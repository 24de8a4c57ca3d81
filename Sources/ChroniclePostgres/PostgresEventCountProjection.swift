@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import Logging
internal import PostgresNIO

/// What `chronicle bench`'s `projection-rebuild` workload rebuilds on
/// PostgreSQL: events counted per type into `bench_events_per_type`, with
/// the checkpoint (in `chronicle_checkpoints`) committed in the same
/// transaction, so each event counts exactly once.
///
/// One upsert per event, as the SQLite bench's projection does, so the two
/// backends run the same workload: a projection that writes a row per event.
/// It never fails, so nothing is parked or retried.
struct PostgresEventCountProjection: RunnableProjection {
    let database: PostgresDatabase
    let name = "bench-events-per-type"
    var filter: EventFilter { EventFilter() }
    var failurePolicy: FailurePolicy { FailurePolicy() }
    var guarantee: DeliveryGuarantee { .exactlyOnce }

    func prepare() async throws {
        try await database.withConnection { connection in
            try await Self.createTable(on: connection, logger: database.logger)
        }
    }

    private static func createTable(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS bench_events_per_type (type text PRIMARY KEY, count bigint NOT NULL)",
            logger: logger)
    }

    func checkpoint() async throws -> GlobalPosition {
        try await database.withConnection { connection in
            try await Self.checkpoint(name, on: connection, logger: database.logger, locking: false)
        }
    }

    func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        try await database.transaction { connection in
            let logger = database.logger
            let committed = try await Self.checkpoint(name, on: connection, logger: logger, locking: true)
            guard position > committed else { return }
            for event in events where event.position > committed {
                try await connection.query(
                    """
                    INSERT INTO bench_events_per_type (type, count) VALUES (\(event.type), 1)
                    ON CONFLICT (type) DO UPDATE SET count = bench_events_per_type.count + 1
                    """, logger: logger)
            }
            let now = PostgresTime.microseconds(Date())
            try await connection.query(
                """
                INSERT INTO chronicle_checkpoints (name, position, updated_at) VALUES (\(name), \(position.rawValue), \(now))
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """, logger: logger)
        }
    }

    func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        throw EventStoreError.invalidArgument("the bench's event counter never fails, so it parks nothing")
    }

    func reset() async throws {
        try await database.transaction { connection in
            // A rebuild resets before it prepares.
            try await Self.createTable(on: connection, logger: database.logger)
            try await connection.query("DELETE FROM bench_events_per_type", logger: database.logger)
            try await connection.query("DELETE FROM chronicle_checkpoints WHERE name = \(name)", logger: database.logger)
        }
    }

    func deadLetterCount() async throws -> Int { 0 }

    func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        .gone
    }

    /// The events counted.
    func total() async throws -> Int {
        try await database.withConnection { connection in
            var total = 0
            let rows = try await connection.query(
                "SELECT coalesce(sum(count), 0)::bigint FROM bench_events_per_type", logger: database.logger)
            for try await value in rows.decode(Int.self) { total = value }
            return total
        }
    }

    /// The committed checkpoint, its row locked until the transaction ends when `locking`.
    private static func checkpoint(
        _ name: String, on connection: PostgresConnection, logger: Logger, locking: Bool
    ) async throws -> GlobalPosition {
        let sql = "SELECT position FROM chronicle_checkpoints WHERE name = $1" + (locking ? " FOR UPDATE" : "")
        var binds = PostgresBindings()
        binds.append(name)
        var position = GlobalPosition.none
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            .decode(Int64.self)
        {
            position = GlobalPosition(value)
        }
        return position
    }
}
