import Chronicle
import ChroniclePostgres
import ChronicleSQLite
import Dispatch
import Foundation
import GRDB

/// Counts how often each event was applied, and by which owner: any double
/// application shows as a count of 2, any skipped event as a missing row.
struct ApplicationCountProjection: SQLiteProjection {
    let name = "application-count"
    let owner: String
    /// Work per event, as a real handler has (so that a kill lands mid-batch).
    let delay: UInt32

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS applications (
                    event_id TEXT PRIMARY KEY, position INTEGER NOT NULL, count INTEGER NOT NULL, owner TEXT NOT NULL)
                """)
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        if delay > 0 { usleep(delay) }
        try db.execute(
            sql: """
                INSERT INTO applications (event_id, position, count, owner) VALUES (?, ?, 1, ?)
                ON CONFLICT (event_id) DO UPDATE SET count = count + 1, owner = excluded.owner
                """, arguments: [event.id.uuidString, event.position.rawValue, owner])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM applications")
    }
}

/// Runs a projection as it is, printing "batch <position>" once each batch has
/// committed; after the batch that ends at `pauseAfter` it prints "paused" and
/// waits for a line on standard input before it goes on (holding its lease).
struct AnnouncingProjection<Base: RunnableProjection>: RunnableProjection {
    let base: Base
    var pauseAfter: GlobalPosition?

    var name: String { base.name }
    var filter: EventFilter { base.filter }
    var failurePolicy: FailurePolicy { base.failurePolicy }
    var guarantee: DeliveryGuarantee { base.guarantee }

    func prepare() async throws { try await base.prepare() }
    func checkpoint() async throws -> GlobalPosition { try await base.checkpoint() }

    func apply(_ events: [EventRecord], through position: GlobalPosition) async throws {
        try await base.apply(events, through: position)
        emit("batch \(position.rawValue)")
        if position == pauseAfter {
            emit("paused")
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    _ = readLine()
                    continuation.resume()
                }
            }
        }
    }

    func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws {
        try await base.park(event, error: error, attempts: attempts, skip: skip)
    }

    func reset() async throws { try await base.reset() }
    func deadLetterCount() async throws -> Int { try await base.deadLetterCount() }

    func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
    {
        try await base.retry(event, deadLetter: id, advancingCheckpoint: advancingCheckpoint)
    }
}

/// `follow --store PATH --owner NAME [--lease-ms L] [--batch-size B] [--handler-delay-us U] [--pause-after P]`:
/// runs `ApplicationCountProjection` with a projection runner (and its lease)
/// until SIGTERM, printing "state <state>" whenever the runner's state for it
/// changes, "batch <position>" after each committed batch, and "stopped" after
/// a graceful shutdown. With `--pause-after P` it prints "paused" after the
/// batch that ends at P and waits for a line on standard input, so that a test
/// knows where it stands when it kills it.
enum FollowCommand {
    static func run() async throws {
        let location = requiredArgument("--store")
        let owner = requiredArgument("--owner")
        let delay = argument("--handler-delay-us").flatMap(UInt32.init) ?? 0
        let pauseAfter = argument("--pause-after").flatMap { Int64($0) }.map { GlobalPosition($0) }
        if location.hasPrefix("postgres://") {
            let store = try await PostgresEventStore(url: location)
            let projection = AnnouncingProjection(
                base: store.exactlyOnce(PostgresApplicationCountProjection(owner: owner, delay: delay)),
                pauseAfter: pauseAfter)
            try await follow(store: store, projection: projection, owner: owner)
            store.close()
        } else {
            let store = try await SQLiteEventStore(path: location)
            let projection = AnnouncingProjection(
                base: store.exactlyOnce(ApplicationCountProjection(owner: owner, delay: delay)), pauseAfter: pauseAfter)
            try await follow(store: store, projection: projection, owner: owner)
            try store.close()
        }
        emit("stopped")
    }

    /// Runs the projection with a runner holding its lease until SIGTERM.
    static func follow(store: some EventStore, projection: some RunnableProjection, owner: String) async throws {
        let leaseMilliseconds = argument("--lease-ms").flatMap(Int.init) ?? 15_000
        let batchSize = argument("--batch-size").flatMap(Int.init) ?? 100
        let runner = try ProjectionRunner(
            store: store, projections: [projection], batchSize: batchSize,
            leaseSettings: LeaseSettings(owner: owner, duration: .milliseconds(leaseMilliseconds)))

        let running = Task { try await runner.run() }
        signal(SIGTERM, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM)
        terminate.setEventHandler { running.cancel() }
        terminate.resume()
        let watching = Task {
            var last: ProjectionStatus.State?
            while !Task.isCancelled {
                if let state = try? await runner.status().first?.state, state != last {
                    emit("state \(state)")
                    last = state
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        try await running.value
        watching.cancel()
        await watching.value
    }
}
