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

/// Appends "<position> <event id>" to a file for every event it is given: a
/// read model outside the store, so only at-least-once. Each line is one
/// `write(2)` to a file opened with `O_APPEND`.
struct FileLogProjection: Projection {
    let name = "file-log"
    let descriptor: Int32
    /// Work per event, as a real handler has (so that a kill lands mid-batch).
    let delay: Duration

    func apply(_ event: EventRecord) async throws {
        if delay > .zero { try await Task.sleep(for: delay) }
        let bytes = Array("\(event.position.rawValue) \(event.id.uuidString.lowercased())\n".utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    func reset() async throws {
        guard ftruncate(descriptor, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

enum ProjectCommand {
    static func run() async throws {
        let path = requiredArgument("--store")
        let batchSize = argument("--batch-size").flatMap(Int.init) ?? 200
        let store = try await SQLiteEventStore(path: path)
        let projection: any RunnableProjection
        if let output = argument("--file-log") {
            let descriptor = open(output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard descriptor >= 0 else { fail("cannot open \(output)") }
            projection = CheckpointedProjection(
                FileLogProjection(
                    descriptor: descriptor, delay: .microseconds(argument("--handler-delay-us").flatMap(Int.init) ?? 0)),
                checkpoints: store.checkpoints,
                deadLetters: store.deadLetters)
        } else {
            projection = store.exactlyOnce(KillTestProjection())
        }
        // Catch-up batches the size asked for (not the runner's larger default), so that
        // a kill lands in the middle of one.
        // A short lease: after a run killed mid-batch, the next one takes over soon.
        let runner = try ProjectionRunner(
            store: store, projections: [projection], batchSize: batchSize, catchUpBatchSize: batchSize,
            leaseSettings: LeaseSettings(duration: .milliseconds(500)))
        while true {
            do {
                try await runner.catchUp { progress in emit("batch \(progress.done)") }
                break
            } catch ProjectionError.leaseHeld {
                // The previous run was killed: its lease expires within 500 ms.
                try await Task.sleep(for: .milliseconds(50))
            } catch ProjectionError.leaseLost {
                // A renewal came too late on a loaded machine: take the lease
                // back and go on from the committed checkpoint, as a runner does.
                emit("lease lost")
            }
        }
        emit("done \(try await store.checkpoints.checkpoint(named: projection.name)?.position.rawValue ?? 0)")
        try store.close()
    }
}
