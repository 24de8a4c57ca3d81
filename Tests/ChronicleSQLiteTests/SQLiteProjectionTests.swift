import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import ProcessTestSupport
import Testing

/// Counts events per type and per stream in the store's own database.
struct CountingProjection: SQLiteProjection {
    let name: String
    var failAt: Set<Int64> = []
    var failurePolicy: FailurePolicy {
        FailurePolicy(maxAttempts: 2, initialDelay: .milliseconds(1), onExhausted: .skip)
    }

    init(name: String = "counting", failAt: Set<Int64> = []) {
        self.name = name
        self.failAt = failAt
    }

    var table: String { name.replacingOccurrences(of: "-", with: "_") }

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(table)_types (type TEXT PRIMARY KEY, n INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS \(table)_streams (stream TEXT PRIMARY KEY, n INTEGER NOT NULL, position_sum INTEGER NOT NULL);
                """)
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO \(table)_types (type, n) VALUES (?, 1) ON CONFLICT (type) DO UPDATE SET n = n + 1"
        ).execute(arguments: [event.type])
        if failAt.contains(event.position.rawValue) {
            // A write before the failure: the transaction must roll it back.
            throw ProjectionTestFailure(position: event.position)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO \(table)_streams (stream, n, position_sum) VALUES (?1, 1, ?2)
                ON CONFLICT (stream) DO UPDATE SET n = n + 1, position_sum = position_sum + ?2
                """
        ).execute(arguments: [event.stream.description, event.position.rawValue])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM \(table)_types; DELETE FROM \(table)_streams")
    }

    /// The read model as rows, for comparing two runs.
    func dump(_ store: SQLiteEventStore, path: String) async throws -> [String] {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table)_types ORDER BY type").map(\.description)
                + Row.fetchAll(db, sql: "SELECT * FROM \(table)_streams ORDER BY stream").map(\.description)
        }
    }
}

struct ProjectionTestFailure: Error, CustomStringConvertible {
    let position: GlobalPosition
    var description: String { "projection failed at \(position)" }
}

func seed(_ store: SQLiteEventStore, events count: Int, streams: Int = 37) async throws {
    let types = ["OrderPlaced", "OrderPaid", "ItemAdded", "OrderShipped"]
    var written = 0
    while written < count {
        let size = min(1_000, count - written)
        let parts = stride(from: 0, to: size, by: 50).map { offset in
            StreamAppend(
                stream: try! StreamName(category: "order", id: "\((written + offset) / 50 % streams)"),
                events: (0..<min(50, size - offset)).map {
                    NewEvent(type: types[($0 + offset) % types.count], data: Data("{\"n\":\(written + offset + $0)}".utf8))
                },
                expecting: .any)
        }
        _ = try await store.append(parts)
        written += size
    }
}

@Suite("SQLite exactly-once projections")
struct SQLiteProjectionTests {
    @Test func readModelAndCheckpointCommitTogether() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        try await seed(store, events: 120, streams: 3)
        let projection = CountingProjection()
        let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(projection)], batchSize: 50)
        try await runner.catchUp()
        #expect(try await store.checkpoints.checkpoint(named: "counting")?.position == 120)
        let rows = try await projection.dump(store, path: path)
        #expect(rows.contains("[type:\"OrderPlaced\" n:30]"))
        let status = try #require(try await runner.status().first)
        #expect(status.guarantee == .exactlyOnce)
        #expect(status.lag == 0)
    }

    @Test func aFailingEventRollsBackItsWritesIsParkedAndTheRestAppliesOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        try await seed(store, events: 40, streams: 1)
        let failing = CountingProjection(name: "failing", failAt: [17])
        let clean = CountingProjection(name: "clean")
        let runner = try ProjectionRunner(
            store: store, projections: [store.exactlyOnce(failing), store.exactlyOnce(clean)], batchSize: 25)
        try await runner.catchUp()
        let letters = try await store.deadLetters.deadLetters(consumer: "failing", limit: 10)
        #expect(letters.map(\.position) == [17])
        #expect(letters.first?.attempts == 2)
        #expect(letters.first?.error == "projection failed at 17")
        #expect(try await store.checkpoints.checkpoint(named: "failing")?.position == 40)
        // Every event but 17 counted exactly once: the type counts lost only event 17's
        // (rolled back) write, and the stream sums miss exactly position 17.
        let failingRows = try await failing.dump(store, path: path)
        let cleanRows = try await clean.dump(store, path: path)
        #expect(failingRows.last == "[stream:\"order-0\" n:39 position_sum:\((1...40).reduce(0, +) - 17)]")
        #expect(cleanRows.last == "[stream:\"order-0\" n:40 position_sum:\((1...40).reduce(0, +))]")
        let failingTypes = failingRows.dropLast().compactMap { $0.split(separator: "n:").last.flatMap { Int($0.dropLast()) } }
        #expect(failingTypes.reduce(0, +) == 39)
    }

    @Test func buildRebuildAndLiveBuildOf100kEventsAgree() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        try await seed(store, events: 50_000)

        // Live: a runner follows while writers append the second half.
        let live = CountingProjection(name: "live")
        let liveRunner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(live)], batchSize: 1_000)
        let running = Task { try await liveRunner.run() }
        try await seed(store, events: 50_000)
        let head = try await store.headPosition()
        #expect(head == 100_000)
        try await liveRunner.waitUntilProcessed(head)
        running.cancel()
        try await running.value

        // From scratch, after the fact.
        let scratch = CountingProjection(name: "scratch")
        let runner = try ProjectionRunner(
            store: store, projections: [store.exactlyOnce(scratch), store.exactlyOnce(live)], batchSize: 1_000)
        try await runner.catchUp(["scratch"])
        let scratchRows = try await scratch.dump(store, path: path)
        #expect(scratchRows.count == 4 + 37)
        #expect(try await live.dump(store, path: path) == scratchRows)

        // Rebuilt: reset and replayed.
        try await runner.rebuild("live")
        #expect(try await live.dump(store, path: path) == scratchRows)
        #expect(try await store.checkpoints.checkpoint(named: "live")?.position == head)
    }

    @Test func aProjectionKilledMidBatchEndsExactlyAsAnUninterruptedRun() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let seed = try HelperProcess.start(["seed", "--store", path, "--events", "30000", "--streams", "40"])
        #expect(await seed.value.status == 0)
        // The same log, projected without interruption, is the reference.
        let reference = directory.path("reference.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: reference)
        let uninterrupted = try await HelperProcess.start(["project", "--store", reference]).value
        #expect(uninterrupted.standardOutput.hasSuffix("done 30000\n"), "\(uninterrupted.standardError)")

        let kills = try await killMidBatch(["project", "--store", path, "--batch-size", "250"])
        #expect(kills >= 1, "the projection was killed mid-batch at least once (more often on an idle machine)")

        let last = try RunningHelper(["project", "--store", path])
        var done = ""
        for await line in last.lines where line.hasPrefix("done") { done = line }
        #expect(await last.wait() == 0)
        #expect(done == "done 30000")

        // The read model equals the uninterrupted run's, row for row ...
        let killed = try await Self.killTestReadModel(path)
        #expect(killed == (try await Self.killTestReadModel(reference)))
        // ... and the log itself: every event counted exactly once.
        let queue = try DatabaseQueue(path: path)
        let expected = try await queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT stream, count(*), max(position) FROM chronicle_events GROUP BY stream ORDER BY stream"
            ).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int)" }
        }
        try queue.close()
        #expect(killed.streams == expected)
        #expect(killed.totals == "30000 \((1...30_000).reduce(0, +))")
    }

    @Test func anAtLeastOnceProjectionKilledMidBatchRedeliversButMissesNothing() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let count = 12_000
        let seed = try HelperProcess.start(["seed", "--store", path, "--events", "\(count)", "--streams", "40"])
        #expect(await seed.value.status == 0)
        let reference = directory.path("reference.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: reference)
        let referenceLog = directory.path("reference.log")
        let uninterrupted = try await HelperProcess.start([
            "project", "--store", reference, "--file-log", referenceLog,
        ]).value
        #expect(uninterrupted.status == 0, "\(uninterrupted.standardError)")
        let expected = try Self.lines(referenceLog)
        #expect(expected.map(\.position) == Array(1...Int64(count)), "an uninterrupted run sees each event once, in order")

        let log = directory.path("killed.log")
        let batchSize = 250
        let kills = try await killMidBatch([
            "project", "--store", path, "--batch-size", "\(batchSize)", "--file-log", log, "--handler-delay-us", "100",
        ])
        #expect(kills >= 1, "the projection was killed mid-batch at least once (more often on an idle machine)")
        let final = try await HelperProcess.start(["project", "--store", path, "--file-log", log]).value
        #expect(final.standardOutput.hasSuffix("done \(count)\n"), "\(final.standardError)")

        // At least once: events of a batch cut short come again after the restart,
        // so the handler saw some twice; none was missed, and an idempotent read
        // model (keyed by event) ends equal to the uninterrupted run.
        let delivered = try Self.lines(log)
        var seen = Set<Int64>()
        let firstDeliveries = delivered.filter { seen.insert($0.position).inserted }
        #expect(firstDeliveries == expected)
        #expect(Set(delivered.map(\.id)) == Set(expected.map(\.id)))
        #expect(delivered.count - expected.count <= kills * batchSize, "redelivery is limited to the batches in flight")
    }

    /// Starts the helper again and again, killing it with SIGKILL a few
    /// milliseconds after its first, second, third … committed batch.
    ///
    /// - Returns: How many times it was killed before it finished its work
    ///   (a kill that lands after the helper printed "done" does not count).
    func killMidBatch(_ arguments: [String], rounds: Int = 6) async throws -> Int {
        var kills = 0
        for round in 0..<rounds {
            let helper = try RunningHelper(arguments)
            var batches = 0
            var finished = false
            var lines = helper.lines.makeAsyncIterator()
            while let line = await lines.next() {
                if line.hasPrefix("batch") { batches += 1 }
                if line.hasPrefix("done") { finished = true }
                if batches == round + 1 && !finished {
                    // Let the next batch get under way, then kill without warning.
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...8)))
                    helper.kill()
                    break
                }
            }
            _ = await helper.wait()
            // Under load the helper can run ahead of this reader: it may have
            // finished before the kill.
            while !finished, let line = await lines.next() {
                if line.hasPrefix("done") { finished = true }
            }
            if finished { break }
            kills += 1
        }
        return kills
    }

    /// The rows of `KillTestProjection`'s tables.
    static func killTestReadModel(_ path: String) async throws -> (streams: [String], totals: String?) {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT stream, n, last_position FROM kill_streams ORDER BY stream").map {
                    "\($0[0] as String) \($0[1] as Int) \($0[2] as Int)"
                },
                try Row.fetchOne(db, sql: "SELECT n, position_sum FROM kill_totals").map { "\($0[0] as Int) \($0[1] as Int)" }
            )
        }
    }

    /// The lines `FileLogProjection` wrote. A kill can in theory tear a
    /// `write(2)` that crosses a page boundary; such a fragment is skipped, as
    /// its event is delivered again after the restart anyway.
    static func lines(_ path: String) throws -> [FileLogLine] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2, let position = Int64(fields[0]), fields[1].count == 36 else { return nil }
            return FileLogLine(position: position, id: String(fields[1]))
        }
    }

    struct FileLogLine: Hashable {
        let position: Int64
        let id: String
    }
}
