internal import GRDB

/// The tables of a Chronicle SQLite store and the migrations that build them.
///
/// A Chronicle file is marked with `PRAGMA application_id` = ``applicationID`` and
/// carries its schema version in `PRAGMA user_version`, so that a file of another
/// application or of a newer Chronicle is recognised before anything is written.
enum SQLiteSchema {
    /// 'CHRN' in ASCII.
    static let applicationID: Int32 = 0x4348_524E
    /// The schema version this build writes and understands.
    ///
    /// 1: events and streams. 2: aggregate snapshots (`chronicle_snapshots`).
    /// 3: checkpoints and dead letters (`chronicle_checkpoints`, `chronicle_dead_letters`).
    /// 4: no stream catalog table and no category index by default (see ``categoryIndexSQL``).
    /// 5: dead-letter ids are never reused (`AUTOINCREMENT`).
    /// 6: consumers' leases (`chronicle_leases`).
    /// 7: the bus: delivery attempts (`chronicle_delivery_attempts`), the inbox
    /// (`chronicle_bus_inbox`) and dead letters' first failure (`first_failed_at`).
    static let currentVersion: Int32 = 7

    /// The optional index of events by category (``SQLiteEventStore/Options/indexesCategories``).
    static let categoryIndexName = "chronicle_events_category"
    static let categoryIndexSQL =
        "CREATE INDEX IF NOT EXISTS \(categoryIndexName) ON chronicle_events(category, position)"
    static let dropCategoryIndexSQL = "DROP INDEX IF EXISTS \(categoryIndexName)"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("chronicle-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_events (
                        position INTEGER PRIMARY KEY,
                        stream TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        category TEXT NOT NULL,
                        event_id BLOB NOT NULL,
                        type TEXT NOT NULL,
                        schema_version INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        metadata BLOB,
                        recorded_at INTEGER NOT NULL
                    );
                    CREATE UNIQUE INDEX chronicle_events_stream_version ON chronicle_events(stream, version);
                    CREATE UNIQUE INDEX chronicle_events_event_id ON chronicle_events(event_id);
                    CREATE INDEX chronicle_events_category ON chronicle_events(category, position);
                    CREATE TABLE chronicle_streams (
                        stream TEXT PRIMARY KEY NOT NULL,
                        category TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    PRAGMA application_id = \(applicationID);
                    PRAGMA user_version = 1;
                    """)
        }
        // The newest snapshot of each aggregate stream (SQLiteSnapshotStore). A
        // rowid table: snapshots can be large, which WITHOUT ROWID tables handle badly.
        migrator.registerMigration("chronicle-snapshots-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_snapshots (
                        stream TEXT PRIMARY KEY NOT NULL,
                        version INTEGER NOT NULL,
                        schema_version INTEGER NOT NULL,
                        data BLOB NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    PRAGMA user_version = 2;
                    """)
        }
        // Subscriber checkpoints and the events they parked after their last retry.
        migrator.registerMigration("chronicle-projections-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_checkpoints (
                        name TEXT PRIMARY KEY NOT NULL,
                        position INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE chronicle_dead_letters (
                        id INTEGER PRIMARY KEY,
                        subscriber TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        event_id BLOB NOT NULL,
                        stream TEXT NOT NULL,
                        type TEXT NOT NULL,
                        error TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        failed_at INTEGER NOT NULL
                    );
                    CREATE INDEX chronicle_dead_letters_subscriber ON chronicle_dead_letters(subscriber, position);
                    PRAGMA user_version = 3;
                    """)
        }
        // Fewer b-trees per appended event: the stream catalog table (a row
        // rewritten on every append) goes, as the (stream, version) index already
        // answers a stream's version and lists the streams; the category index
        // goes unless the store is opened with `indexesCategories`, which builds
        // it again. Each costs a WAL page per commit: together a fifth to a third
        // of an uncontended append (Docs/Benchmarks.md).
        migrator.registerMigration("chronicle-lean-events-v1") { db in
            try db.execute(
                sql: """
                    DROP TABLE chronicle_streams;
                    \(dropCategoryIndexSQL);
                    PRAGMA user_version = 4;
                    """)
        }
        // Dead-letter ids are never reused. A plain INTEGER PRIMARY KEY hands the id
        // of a removed newest entry (or of any entry, after a purge) to the next
        // one, so `dlq retry 12` typed after a listing could retry another event
        // than the one listed. AUTOINCREMENT keeps the highest id ever used in
        // `sqlite_sequence`; parks are rare, its extra write costs nothing that
        // matters. DeadLetterStoreConformance checks it.
        migrator.registerMigration("chronicle-dead-letter-ids-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_dead_letters_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        subscriber TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        event_id BLOB NOT NULL,
                        stream TEXT NOT NULL,
                        type TEXT NOT NULL,
                        error TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        failed_at INTEGER NOT NULL
                    );
                    INSERT INTO chronicle_dead_letters_new
                        (id, subscriber, position, event_id, stream, type, error, attempts, failed_at)
                        SELECT id, subscriber, position, event_id, stream, type, error, attempts, failed_at
                        FROM chronicle_dead_letters;
                    DROP TABLE chronicle_dead_letters;
                    ALTER TABLE chronicle_dead_letters_new RENAME TO chronicle_dead_letters;
                    CREATE INDEX chronicle_dead_letters_subscriber ON chronicle_dead_letters(subscriber, position);
                    PRAGMA user_version = 5;
                    """)
        }
        // One row per consumer that ever took a lease (SQLiteLeaseStore): a
        // released or expired lease keeps its row, so that tokens keep increasing.
        migrator.registerMigration("chronicle-leases-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_leases (
                        name TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        token INTEGER NOT NULL,
                        acquired_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    PRAGMA user_version = 6;
                    """)
        }
        // The bus's consumer groups: failed deliveries counted across restarts
        // (SQLiteDeliveryAttemptStore), the ids of messages an inbox handler
        // committed (SQLiteInbox), and when a dead letter first failed (NULL for
        // entries parked without it, such as every projection's).
        migrator.registerMigration("chronicle-bus-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE chronicle_delivery_attempts (
                        consumer TEXT NOT NULL,
                        message_id BLOB NOT NULL,
                        attempts INTEGER NOT NULL,
                        first_failed_at INTEGER NOT NULL,
                        last_failed_at INTEGER NOT NULL,
                        last_error TEXT NOT NULL,
                        PRIMARY KEY (consumer, message_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE chronicle_bus_inbox (
                        consumer TEXT NOT NULL,
                        message_id BLOB NOT NULL,
                        processed_at INTEGER NOT NULL,
                        PRIMARY KEY (consumer, message_id)
                    ) WITHOUT ROWID;
                    ALTER TABLE chronicle_dead_letters ADD COLUMN first_failed_at INTEGER;
                    PRAGMA user_version = 7;
                    """)
        }
        return migrator
    }
}
