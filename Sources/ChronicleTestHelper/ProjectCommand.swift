import Chronicle
import ChronicleSQLite
import Foundation
import GRDB

/// Counts events per stream and sums their positions: applying any event twice,
/// or skipping one, changes the totals.
struct KillTestProjection: SQLiteProjection {
    let name = "kill-test"

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS kill_streams (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, last_position INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS kill_totals (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL, position_sum INTEGER NOT NULL);
                """)
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO kill_streams (stream, n, last_position) VALUES (?1, 1, ?2)
                ON CONFLICT (stream) DO UPDATE SET n = n + 1, last_position = ?2
                """, arguments: [event.stream.description, event.position.rawValue])
        try db.execute(
            sql: """
                INSERT INTO kill_totals (id, n, position_sum) VALUES (1, 1, ?1)
                ON CONFLICT (id) DO UPDATE SET n = n + 1, position_sum = position_sum + ?1
                """, arguments: [event.position.rawValue])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM kill_streams; DELETE FROM kill_totals")
    }
}

enum ProjectCommand {
    static func run() async throws {
        let path = requiredArgument("--store")
        let batchSize = argument("--batch-size").flatMap(Int.init) ?? 200
        let store = try await SQLiteEventStore(path: path)
        let runner = try ProjectionRunner(
            store: store, projections: [store.exactlyOnce(KillTestProjection())], batchSize: batchSize)
        try await runner.catchUp { progress in emit("batch \(progress.done)") }
        emit("done \(try await store.checkpoints.checkpoint(named: "kill-test")?.position.rawValue ?? 0)")
        try store.close()
    }
}
