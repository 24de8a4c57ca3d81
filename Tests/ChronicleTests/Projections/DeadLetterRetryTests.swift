import Chronicle
import Foundation
import Testing

/// `ProjectionRunner.retry(_:)`: a parked event applied again, once, in the
/// right relation to the projection's checkpoint.
@Suite("Dead-letter retry")
struct DeadLetterRetryTests {
    let store = InMemoryEventStore()
    let checkpoints = InMemoryCheckpointStore()
    let deadLetters = InMemoryDeadLetterStore()

    func runner(_ projections: RecordingProjection...) throws -> ProjectionRunner {
        try ProjectionRunner(
            store: store,
            projections: projections.map { CheckpointedProjection($0, checkpoints: checkpoints, deadLetters: deadLetters) })
    }

    static let stopPolicy = FailurePolicy(maxAttempts: 2, initialDelay: .milliseconds(1), onExhausted: .stop)

    @Test func aSkippedEventIsAppliedOutOfOrderAndItsEntryRemoved() async throws {
        try await appendEvents(5, to: store)
        let projection = RecordingProjection(failing: [2: 3])  // fails its 3 attempts, then would succeed
        let runner = try runner(projection)
        try await runner.catchUp()
        let letter = try #require(try await deadLetters.deadLetters(consumer: "recorder", limit: 10).first)
        #expect(try await deadLetters.deadLetter(id: letter.id) == letter)

        #expect(try await runner.retry(letter) == .applied)
        #expect(projection.applied == [1, 3, 4, 5, 2])
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 5, "the checkpoint stays")
        #expect(try await deadLetters.count(consumer: nil) == 0)
        #expect(try await runner.retry(letter) == .gone, "a second retry finds nothing to do")
        #expect(projection.applied.count == 5)
    }

    @Test func aRetryThatFailsAgainKeepsTheEntryWithOneMoreAttempt() async throws {
        try await appendEvents(3, to: store)
        let projection = RecordingProjection(failing: [2: .max])
        let runner = try runner(projection)
        try await runner.catchUp()
        let letter = try #require(try await deadLetters.deadLetters(consumer: "recorder", limit: 10).first)
        #expect(letter.attempts == 3)

        guard case .failed(let kept) = try await runner.retry(letter) else {
            Issue.record("expected the retry to fail")
            return
        }
        #expect(kept.id == letter.id)
        #expect(kept.attempts == 4)
        #expect(kept.error == "boom at 2")
        #expect(kept.failedAt >= letter.failedAt)
        #expect(try await deadLetters.deadLetters(consumer: nil, limit: 10) == [kept])
        #expect(projection.applied == [1, 3])
    }

    @Test func aProjectionStoppedAtTheEventAppliesItAndGoesOnAfterIt() async throws {
        try await appendEvents(5, to: store)
        let projection = RecordingProjection(failurePolicy: Self.stopPolicy, failing: [3: 2])
        let runner = try runner(projection)
        await #expect(throws: ProjectionError.self) { try await runner.catchUp() }
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 2)
        let letter = try #require(try await deadLetters.deadLetters(consumer: "recorder", limit: 10).first)

        #expect(try await runner.retry(letter) == .applied)
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 3, "the checkpoint moves to the event")
        try await runner.catchUp()
        #expect(projection.applied == [1, 2, 3, 4, 5], "event 3 applied once, in order")
        #expect(try await deadLetters.count(consumer: nil) == 0)
        #expect(try await runner.status().first?.state == .caughtUp)
    }

    @Test func aStoppedProjectionThatRanAgainHadAppliedTheEventAlready() async throws {
        try await appendEvents(4, to: store)
        let projection = RecordingProjection(failurePolicy: Self.stopPolicy, failing: [3: 2])
        let runner = try runner(projection)
        await #expect(throws: ProjectionError.self) { try await runner.catchUp() }
        try await runner.catchUp()  // its failures spent, event 3 now succeeds; the entry stays
        let letter = try #require(try await deadLetters.deadLetters(consumer: "recorder", limit: 10).first)

        #expect(try await runner.retry(letter) == .alreadyApplied)
        #expect(projection.applied == [1, 2, 3, 4])
        #expect(try await deadLetters.count(consumer: nil) == 0)
    }

    @Test func aProjectionMovedBackBeforeTheEventMeetsItLater() async throws {
        try await appendEvents(4, to: store)
        let projection = RecordingProjection(failing: [3: 3])
        let runner = try runner(projection)
        try await runner.catchUp()
        let letter = try #require(try await deadLetters.deadLetters(consumer: "recorder", limit: 10).first)
        try await checkpoints.save(1, named: "recorder")

        #expect(try await runner.retry(letter) == .notReached(checkpoint: 1))
        #expect(try await deadLetters.count(consumer: nil) == 1, "nothing changed")
        #expect(projection.applied == [1, 2, 4])
    }

    @Test func lettersOfOtherSubscribersOrEventsAreRefused() async throws {
        try await appendEvents(2, to: store)
        let runner = try runner(RecordingProjection())
        let event = try await store.readAll(from: 1, limit: 1)[0]
        let foreign = try await deadLetters.park(event, consumer: "mailer", error: "down", attempts: 1)
        let unknown = await #expect(throws: ProjectionError.self) { try await runner.retry(foreign) }
        #expect(unknown?.code == .unknownProjection)

        let stray = DeadLetter(
            id: 99, consumer: "recorder", position: 1, eventId: UUID(), stream: event.stream, type: event.type,
            error: "x", attempts: 1, failedAt: Date())
        let mismatch = await #expect(throws: ProjectionError.self) { try await runner.retry(stray) }
        #expect(mismatch?.code == .deadLetterMismatch)
    }
}
