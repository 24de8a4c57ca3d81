internal import Chronicle
internal import ChronicleSQLite
internal import GRDB
internal import Logging

/// Rebuilding an exactly-once SQLite projection over the whole log.
enum BenchProjectionWorkload {
    static func rebuild(_ bench: BenchContext) async throws -> BenchResult {
        let events = bench.count(3_000) * 10
        return try await bench.withFreshStore { store in
            _ = try await BenchLog.populate(store, orders: events / 10)
            let projection = BenchCountProjection()
            // The runner logs a rebuild's start at info level: keep it out of the bench's output.
            let quiet = Logger(label: "chronicle.bench") { _ in SwiftLogNoOpLogHandler() }
            let runner = try ProjectionRunner(
                store: store, projections: [store.exactlyOnce(projection)], logger: quiet)
            let batches = BatchTimes()
            let timer = BenchTimer()
            try await runner.rebuild(projection.name) { _ in batches.mark() }
            let (seconds, cpuSeconds) = timer.elapsed()
            let counted = try store.countedEvents()
            guard counted == events else {
                throw CommandError(.failure, "projection-rebuild counted \(counted) events, not \(events)")
            }
            return BenchResult(
                workload: .projectionRebuild, events: events, seconds: seconds, cpuSeconds: cpuSeconds, samples: batches.samples(since: timer.start))
        }
    }

    /// The times at which batches committed.
    final class BatchTimes: Sendable {
        private let marks = Locked<[ContinuousClock.Instant]>([])

        func mark() { marks.withLock { $0.append(.now) } }

        func samples(since start: ContinuousClock.Instant) -> BenchSamples {
            var samples = BenchSamples()
            var previous = start
            for mark in marks.withLock({ $0 }) {
                samples.append(BenchClock.milliseconds(from: previous, to: mark))
                previous = mark
            }
            return samples
        }
    }
}

/// Counts events per type in a table of the store's own database.
struct BenchCountProjection: SQLiteProjection {
    let name = "bench-events-per-type"

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: "CREATE TABLE IF NOT EXISTS bench_events_per_type (type TEXT PRIMARY KEY NOT NULL, count INTEGER NOT NULL)")
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO bench_events_per_type (type, count) VALUES (?, 1)
                ON CONFLICT (type) DO UPDATE SET count = count + 1
                """
        ).execute(arguments: [event.type])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM bench_events_per_type")
    }
}

extension SQLiteEventStore {
    /// The total the counting projection holds, read through a connection of its own.
    fileprivate func countedEvents() throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? reader.close() }
        return try reader.read { db in
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM bench_events_per_type") ?? 0
        }
    }
}
