@_spi(Implementing) import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("PostgresExactlyOnceProjection")
struct PostgresProjectionTests {
    /// Records each applied event as a row of `projected`; throws `Refused` for
    /// the events `refusing` names and, for type `Clash`, inserts a row whose key
    /// another `Clash` event already took (a unique violation from the server).
    struct RecordingProjection: PostgresProjection {
        let name = "recording"
        let refusing: Set<UUID>
        var refusingReset = false
        var failurePolicy: FailurePolicy { FailurePolicy(maxAttempts: 1, onExhausted: .skip) }
        let logger = Logger(label: "chronicle.tests.recording")

        func prepare(_ connection: PostgresConnection) async throws {
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS projected (key text PRIMARY KEY, position bigint NOT NULL)", logger: logger)
        }

        func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
            let key = event.type == "Clash" ? "clash" : event.id.uuidString
            try await connection.query(
                "INSERT INTO projected (key, position) VALUES (\(key), \(event.position.rawValue))", logger: logger)
            if refusing.contains(event.id) { throw Refused(position: event.position) }
        }

        func reset(_ connection: PostgresConnection) async throws {
            try await connection.query("DELETE FROM projected", logger: logger)
            if refusingReset { throw Refused(position: .none) }
        }
    }

    struct Refused: Error, Equatable {
        let position: GlobalPosition
    }

    /// The positions in `projected` and the projection's checkpoint row, read on a connection of their own.
    static func committed(in database: PostgresTestDatabase) async throws -> (projected: [Int64], checkpoint: Int64?) {
        var projected: [Int64] = []
        var checkpoint: Int64?
        try await database.withConnection { connection, logger in
            for try await position in try await connection.query(
                "SELECT position FROM projected ORDER BY position", logger: logger
            ).decode(Int64.self) {
                projected.append(position)
            }
            for try await position in try await connection.query(
                "SELECT position FROM chronicle_checkpoints WHERE name = 'recording'", logger: logger
            ).decode(Int64.self) {
                checkpoint = position
            }
        }
        return (projected, checkpoint)
    }

    @Test("a failing event leaves neither its handler's write nor the checkpoint; the events before it commit")
    func failingEventRollsBack() async throws {
        try await withPostgresStore { store, database in
            try await store.append(
                (0..<4).map { NewEvent(type: "Happened", data: Data("{\"n\":\($0)}".utf8)) },
                to: try StreamName("tally-1"), expecting: .noStream)
            let events = try await store.readAll(from: .start, limit: 10)
            // Input: a batch of four whose third event's handler writes its row, then throws Refused.
            let projection = store.exactlyOnce(RecordingProjection(refusing: [events[2].id]))
            try await projection.prepare()
            do {
                try await projection.apply(events, through: events[3].position)
                Issue.record("apply succeeded past a failing handler")
            } catch let failure as ProjectionApplyFailure {
                #expect(failure.index == 2)
                #expect(failure.cause as? Refused == Refused(position: events[2].position), "the handler's error, unchanged")
            }
            var state = try await Self.committed(in: database)
            #expect(state.projected == events[..<2].map(\.position.rawValue), "the failed event's write rolled back")
            #expect(state.checkpoint == events[1].position.rawValue, "the checkpoint at the event before it")

            // Input: the same failing event first in a batch: nothing of that batch commits.
            do {
                try await projection.apply(Array(events[2...]), through: events[3].position)
                Issue.record("apply succeeded past a failing handler")
            } catch let failure as ProjectionApplyFailure {
                #expect(failure.index == 0)
            }
            state = try await Self.committed(in: database)
            #expect(state.projected == events[..<2].map(\.position.rawValue), "nothing more written")
            #expect(state.checkpoint == events[1].position.rawValue, "the checkpoint unchanged")
            #expect(try await projection.checkpoint() == events[1].position)
        }
    }

    @Test("a reset whose projection throws rolls back and rethrows the projection's error unchanged")
    func failingResetRollsBack() async throws {
        try await withPostgresStore { store, database in
            try await store.append(
                [NewEvent(type: "Happened", data: Data("{}".utf8))], to: try StreamName("tally-1"), expecting: .noStream)
            let events = try await store.readAll(from: .start, limit: 10)
            let projection = store.exactlyOnce(RecordingProjection(refusing: []))
            try await projection.prepare()
            try await projection.apply(events, through: events[0].position)
            // Input: a reset whose projection deletes its rows, then throws Refused.
            let refusing = store.exactlyOnce(RecordingProjection(refusing: [], refusingReset: true))
            await #expect(throws: Refused(position: .none)) { try await refusing.reset() }
            let state = try await Self.committed(in: database)
            #expect(state.projected == [events[0].position.rawValue], "the read model as before")
            #expect(state.checkpoint == events[0].position.rawValue, "the checkpoint as before")
        }
    }

    @Test("a handler's SQL error is parked with the server's SQLSTATE and message, and the projection goes on")
    func sqlErrorIsReadableInTheDeadLetter() async throws {
        try await withPostgresStore { store, database in
            // Input: two Clash events, whose rows share a key: the second violates the primary key (23505).
            try await store.append(
                [
                    NewEvent(type: "Clash", data: Data("{}".utf8)), NewEvent(type: "Clash", data: Data("{}".utf8)),
                    NewEvent(type: "Happened", data: Data("{}".utf8)),
                ], to: try StreamName("tally-1"), expecting: .noStream)
            let events = try await store.readAll(from: .start, limit: 10)
            let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(RecordingProjection(refusing: []))])
            try await runner.catchUp()
            let letters = try await store.deadLetters.deadLetters(consumer: "recording", limit: 10)
            #expect(letters.map(\.eventId) == [events[1].id])
            let error = letters.first?.error ?? ""
            #expect(error.contains("SQLSTATE 23505") && error.contains("duplicate key"), "the dead letter says: \(error)")
            let state = try await Self.committed(in: database)
            #expect(state.projected == [events[0].position.rawValue, events[2].position.rawValue])
            #expect(state.checkpoint == events[2].position.rawValue, "skipped past the parked event")
        }
    }

    @Test("a runner follows to the head of a store that another pool appends to, applying each event once")
    func runnerFollowsAnotherPoolsAppends() async throws {
        try await withPostgresStore { store, database in
            let writer = try await database.openStore()
            defer { writer.close() }
            let harness = PostgresCountingHarness(postgres: store, database: database)
            let projection = try await harness.projection(named: "follower") { _ in false }
            let runner = try ProjectionRunner(store: store, projections: [projection], batchSize: 16)
            let appendOne = { @Sendable (stream: String) async throws -> GlobalPosition in
                try await writer.append(
                    [NewEvent(type: "Counted", data: Data("{}".utf8)), NewEvent(type: "Counted", data: Data("{}".utf8))],
                    to: try StreamName(stream), expecting: .any
                ).positions!.upperBound
            }
            let first = try await appendOne("tally-0")
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            try await withDeadline(seconds: 30, "the runner catches up with the first events") {
                try await runner.waitUntilProcessed(first)
            }
            // Appends from the other pool while the runner follows: each wakes it through LISTEN/NOTIFY.
            let last = try await withThrowingTaskGroup(of: GlobalPosition.self) { group in
                for writerIndex in 0..<4 {
                    group.addTask {
                        var last = GlobalPosition.none
                        for _ in 0..<15 { last = max(last, try await appendOne("tally-\(writerIndex)")) }
                        return last
                    }
                }
                return try await group.reduce(GlobalPosition.none) { max($0, $1) }
            }
            try await withDeadline(seconds: 30, "the runner reaches the other pool's head") {
                try await runner.waitUntilProcessed(last)
            }
            let head = try await writer.headPosition()
            #expect(head == last)
            let events = try await store.readAll(from: .start, limit: 1_000)
            #expect(events.count == 122)
            let applications = try await harness.applications(of: "follower")
            #expect(applications == Dictionary(uniqueKeysWithValues: events.map { ($0.id, 1) }), "every event once")
            #expect(try await projection.checkpoint() == head)
            running.cancel()
            try await running.value
        }
    }
}
