import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Testing

/// Retrying a dead letter of an exactly-once projection: the read-model writes,
/// the checkpoint and the removal of the entry commit together, or not at all.
@Suite("SQLite dead-letter retry")
struct SQLiteDeadLetterRetryTests {
    @Test func aSuccessfulRetryAppliesTheEventOnceAndRemovesTheEntryInOneTransaction() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        try await seed(store, events: 40, streams: 1)
        let failing = CountingProjection(name: "counting", failAt: [17])
        try await ProjectionRunner(store: store, projections: [store.exactlyOnce(failing)]).catchUp()
        let letter = try #require(try await store.deadLetters.deadLetters(consumer: "counting", limit: 10).first)
        #expect(try await store.deadLetters.deadLetter(id: letter.id) == letter)
        #expect(try await store.deadLetters.countsByConsumer() == ["counting": 1])

        // Still failing: the handler's write before the failure rolls back; the entry stays.
        let stillFailing = try ProjectionRunner(store: store, projections: [store.exactlyOnce(failing)])
        guard case .failed(let kept) = try await stillFailing.retry(letter) else {
            Issue.record("expected the retry to fail")
            return
        }
        #expect(kept.id == letter.id && kept.attempts == letter.attempts + 1)
        #expect(kept.error == "projection failed at 17")
        let before = try await failing.dump(store, path: path)
        #expect(before.last == "[stream:\"order-0\" n:39 position_sum:\((1...40).reduce(0, +) - 17)]")

        // Fixed: applied once, entry gone, checkpoint unchanged.
        let fixed = CountingProjection(name: "counting")
        let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(fixed)])
        #expect(try await runner.retry(kept) == .applied)
        let after = try await fixed.dump(store, path: path)
        #expect(after.last == "[stream:\"order-0\" n:40 position_sum:\((1...40).reduce(0, +))]")
        #expect(try await store.deadLetters.count(consumer: nil) == 0)
        #expect(try await store.checkpoints.checkpoint(named: "counting")?.position == 40)
        #expect(try await runner.retry(kept) == .gone)
        #expect(try await fixed.dump(store, path: path) == after, "nothing applied twice")

        // The read model now equals a build from scratch.
        let scratch = CountingProjection(name: "scratch")
        try await ProjectionRunner(store: store, projections: [store.exactlyOnce(scratch)]).catchUp()
        #expect(try await scratch.dump(store, path: path) == after)
    }

    @Test func aStoppedExactlyOnceProjectionMovesItsCheckpointWithTheRetriedEvent() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        try await seed(store, events: 10, streams: 1)
        let stopping = StoppingProjection(base: CountingProjection(name: "counting", failAt: [4]))
        await #expect(throws: ProjectionError.self) {
            try await ProjectionRunner(store: store, projections: [store.exactlyOnce(stopping)]).catchUp()
        }
        #expect(try await store.checkpoints.checkpoint(named: "counting")?.position == 3)
        let letter = try #require(try await store.deadLetters.deadLetters(consumer: "counting", limit: 10).first)

        let fixed = StoppingProjection(base: CountingProjection(name: "counting"))
        let runner = try ProjectionRunner(store: store, projections: [store.exactlyOnce(fixed)])
        #expect(try await runner.retry(letter) == .applied)
        #expect(try await store.checkpoints.checkpoint(named: "counting")?.position == 4)
        try await runner.catchUp()
        let scratch = CountingProjection(name: "scratch")
        try await ProjectionRunner(store: store, projections: [store.exactlyOnce(scratch)]).catchUp()
        #expect(try await fixed.base.dump(store, path: path) == (try await scratch.dump(store, path: path)))
    }
}

/// A counting projection whose policy stops after the last attempt.
struct StoppingProjection: SQLiteProjection {
    let base: CountingProjection
    var name: String { base.name }
    var failurePolicy: FailurePolicy {
        FailurePolicy(maxAttempts: 1, initialDelay: .milliseconds(1), onExhausted: .stop)
    }
    func prepare(_ db: Database) throws { try base.prepare(db) }
    func apply(_ event: EventRecord, in db: Database) throws { try base.apply(event, in: db) }
    func reset(_ db: Database) throws { try base.reset(db) }
}
