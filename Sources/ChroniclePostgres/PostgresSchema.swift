@_spi(Implementing) internal import Chronicle
internal import Logging
internal import PostgresNIO

/// The store's tables, created and upgraded by numbered migrations.
///
/// `chronicle_schema` holds the version reached. Opening a store runs the
/// missing migrations in one transaction under an advisory lock, so several
/// app servers starting at once migrate once; a store whose version is newer
/// than this code knows is refused (`schemaTooNew`).
///
/// Text columns that streams, categories and types live in use the "C"
/// collation, so that ordering and equality are by bytes, as in every other
/// Chronicle store (so do checkpoint names, dead letters' consumers, lease
/// names and owners, and the bus's consumer groups).
///
/// `chronicle_now()` is the server's clock (`clock_timestamp()`) in
/// microseconds since 1970: the one clock leases are judged by
/// (``PostgresLeaseStore``).
enum PostgresSchema {
    /// The advisory lock key of migrations ("chronicle-migrate").
    static let migrationLock: Int64 = 0x4348_524E_4D49_4752
    /// The advisory lock key that serialises the assignment of global positions ("CHRNAPND").
    static let appendLock: Int64 = 0x4348_524E_4150_4E44

    /// The migrations, in order, each a list of statements; migration `n`
    /// brings the schema to version `n`.
    static let migrations: [[String]] = [
        // 1: the log, with positions assigned under the append lock (chronicle_append_events),
        // snapshots, checkpoints, dead letters, and leases judged by the server's clock (chronicle_now).
        [
            """
                CREATE TABLE chronicle_events (
                    position bigint PRIMARY KEY,
                    stream text COLLATE "C" NOT NULL,
                    version bigint NOT NULL,
                    category text COLLATE "C" NOT NULL,
                    event_id uuid NOT NULL,
                    type text COLLATE "C" NOT NULL,
                    schema_version integer NOT NULL,
                    data bytea NOT NULL,
                    metadata bytea NOT NULL,
                    recorded_at bigint NOT NULL,
                    CONSTRAINT chronicle_events_stream_version UNIQUE (stream, version),
                    CONSTRAINT chronicle_events_event_id UNIQUE (event_id)
                )
            """,
            """
                CREATE INDEX chronicle_events_category ON chronicle_events (category, position)
            """,
            """
                CREATE FUNCTION chronicle_append_events(
                    p_streams text[], p_versions bigint[], p_categories text[], p_ids uuid[], p_types text[],
                    p_schema_versions integer[], p_data bytea[], p_metadata bytea[], p_recorded_at bigint
                ) RETURNS bigint LANGUAGE plpgsql AS $$
                DECLARE
                    base bigint;
                BEGIN
                    -- Held until the transaction ends: positions are handed out in commit order.
                    PERFORM pg_advisory_xact_lock(\(appendLock));
                    -- A statement of its own, so its snapshot is taken after the lock is held.
                    SELECT coalesce(max(position), 0) INTO base FROM chronicle_events;
                    INSERT INTO chronicle_events
                        (position, stream, version, category, event_id, type, schema_version, data, metadata, recorded_at)
                    SELECT base + e.ord, e.stream, e.version, e.category, e.id, e.type, e.schema_version, e.data,
                           e.metadata, p_recorded_at
                    FROM unnest(p_streams, p_versions, p_categories, p_ids, p_types, p_schema_versions, p_data, p_metadata)
                        WITH ORDINALITY AS e(stream, version, category, id, type, schema_version, data, metadata, ord);
                    RETURN base;
                END
                $$
            """,
            """
                CREATE TABLE chronicle_snapshots (
                    stream text COLLATE "C" PRIMARY KEY,
                    version bigint NOT NULL,
                    schema_version bigint NOT NULL,
                    data bytea NOT NULL,
                    created_at bigint NOT NULL
                )
            """,
            """
                CREATE TABLE chronicle_checkpoints (
                    name text COLLATE "C" PRIMARY KEY,
                    position bigint NOT NULL,
                    updated_at bigint NOT NULL
                )
            """,
            """
                CREATE TABLE chronicle_dead_letters (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    consumer text COLLATE "C" NOT NULL,
                    position bigint NOT NULL,
                    event_id uuid NOT NULL,
                    stream text COLLATE "C" NOT NULL,
                    type text COLLATE "C" NOT NULL,
                    error text NOT NULL,
                    attempts bigint NOT NULL,
                    failed_at bigint NOT NULL
                )
            """,
            """
                CREATE INDEX chronicle_dead_letters_consumer ON chronicle_dead_letters (consumer, id)
            """,
            """
                CREATE FUNCTION chronicle_now() RETURNS bigint LANGUAGE sql VOLATILE AS $$
                    SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
                $$
            """,
            """
                CREATE TABLE chronicle_leases (
                    name text COLLATE "C" PRIMARY KEY,
                    owner text COLLATE "C" NOT NULL,
                    token bigint NOT NULL,
                    acquired_at bigint NOT NULL,
                    expires_at bigint NOT NULL
                )
            """,
        ],
        // 2: the bus's consumer groups: failed deliveries counted across restarts
        // (PostgresDeliveryAttemptStore), the ids of messages an inbox handler
        // committed (PostgresInbox), and when a dead letter first failed (NULL
        // for entries parked without it, such as every projection's).
        [
            """
                CREATE TABLE chronicle_delivery_attempts (
                    consumer text COLLATE "C" NOT NULL,
                    message_id uuid NOT NULL,
                    attempts bigint NOT NULL,
                    first_failed_at bigint NOT NULL,
                    last_failed_at bigint NOT NULL,
                    last_error text NOT NULL,
                    PRIMARY KEY (consumer, message_id)
                )
            """,
            """
                CREATE TABLE chronicle_bus_inbox (
                    consumer text COLLATE "C" NOT NULL,
                    message_id uuid NOT NULL,
                    processed_at bigint NOT NULL,
                    PRIMARY KEY (consumer, message_id)
                )
            """,
            """
                ALTER TABLE chronicle_dead_letters ADD COLUMN first_failed_at bigint
            """,
        ],
    ]

    /// The version this code writes.
    static var currentVersion: Int { migrations.count }

    /// The schema's version (0 when the database has no Chronicle tables).
    static func version(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "SELECT to_regclass('chronicle_schema') IS NOT NULL", logger: logger)
        var exists = false
        for try await value in rows.decode(Bool.self) { exists = value }
        guard exists else { return 0 }
        var version = 0
        for try await value in try await connection.query(
            "SELECT coalesce(max(version), 0) FROM chronicle_schema", logger: logger
        ).decode(Int.self) {
            version = value
        }
        return version
    }

    /// Brings the schema to ``currentVersion`` (when `create` allows a fresh
    /// database to be set up) and returns whether tables were created.
    ///
    /// - Throws: `notAChronicleStore` for a database without the tables when
    ///   `create` is false; `schemaTooNew` for a newer schema; `schemaTooOld`
    ///   for an older one when `readOnly` (nothing is written then).
    static func migrate(
        _ database: PostgresDatabase, create: Bool, readOnly: Bool = false, location: PostgresConfiguration
    ) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            let version = try await Self.version(on: connection, logger: logger)
            if version > currentVersion {
                throw EventStoreError(
                    code: .schemaTooNew,
                    message: "the store at \(location) has schema version \(version); "
                        + "this Chronicle knows versions up to \(currentVersion): upgrade Chronicle")
            }
            if version == currentVersion { return false }
            if version == 0, !create || readOnly {
                throw EventStoreError(
                    code: .notAChronicleStore,
                    message: "no store in \(location): create one with 'chronicle init --store \(location)'")
            }
            if readOnly {
                throw EventStoreError(
                    code: .schemaTooOld,
                    message: "the store at \(location) has schema version \(version) and needs migrating to "
                        + "\(currentVersion), which a read-only open does not do: open it for writing once")
            }
            if version == 0 {
                try await connection.query(
                    """
                    CREATE TABLE chronicle_schema (
                        version integer PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
            }
            for next in (version + 1)...currentVersion {
                for statement in migrations[next - 1] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO chronicle_schema (version) VALUES (\(next))", logger: logger)
            }
            return version == 0
        }
    }
}
