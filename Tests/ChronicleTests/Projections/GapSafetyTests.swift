import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// The visibility rule, proved on a store that commits out of order on command:
/// A takes position 10 and holds, B takes 11 and commits. A consumer or a
/// projection that moved to the highest position it read (11) would skip A's
/// event for good; these consumers stop at 9 until A commits or rolls back.
@Suite("Gap safety: subscriptions and projections on out-of-order commits", .timeLimit(.minutes(1)))
struct GapSafetyTests {
    let store = OutOfOrderEventStore()

    /// Nine committed events, then A holding position 10 and B committed at 11.
    func openHole() async throws -> (a: OutOfOrderEventStore.PendingAppend, aEvent: UUID, bEvent: UUID) {
        try await appendEvents(9, to: store, stream: "seed-1")
        let aEvent = UUID()
        let bEvent = UUID()
        let a = try await store.begin([
            StreamAppend(stream: try StreamName("order-a"), events: [event(aEvent)], expecting: .noStream)
        ])
        let b = try await store.begin([
            StreamAppend(stream: try StreamName("order-b"), events: [event(bEvent)], expecting: .noStream)
        ])
        #expect(a.positions == 10...10)
        #expect(b.positions == 11...11)
        try await store.commit(b)
        #expect(try await store.headPosition() == 11)
        #expect(try await store.completePosition() == 9)
        return (a, aEvent, bEvent)
    }

    func event(_ id: UUID) -> NewEvent {
        NewEvent(id: id, type: "Placed", data: Data("{}".utf8))
    }

    @Test func aSubscriptionWaitsForTheHoleAndDeliversTheLateCommitInOrder() async throws {
        let hole = try await openHole()
        var batches = store.subscribe(from: .start, batchSize: 100).makeAsyncIterator()
        let first = try #require(try await batches.next())
        #expect(first.events.map(\.position) == (1...9).map { GlobalPosition($0) })
        #expect(first.position == 9, "the subscription stops before the held position")
        #expect(first.isCaughtUp)
        try await store.commit(hole.a)
        let second = try #require(try await batches.next())
        #expect(second.events.map(\.id) == [hole.aEvent, hole.bEvent], "the late commit is delivered, then 11")
        #expect(second.position == 11)
    }

    @Test func aSubscriptionDoesNotStallAfterARollback() async throws {
        let hole = try await openHole()
        var batches = store.subscribe(from: .start, batchSize: 100).makeAsyncIterator()
        let first = try #require(try await batches.next())
        #expect(first.position == 9)
        try await store.rollBack(hole.a)
        let second = try #require(try await batches.next())
        #expect(second.events.map(\.id) == [hole.bEvent])
        #expect(second.position == 11)
        #expect(try await store.eventCount(after: .none, through: 11) == 10, "the rolled-back position is a hole")
    }

    @Test func aSubscriptionRestartedWhileTheHoleIsOpenResumesFromItsCheckpoint() async throws {
        let hole = try await openHole()
        var checkpoint = GlobalPosition.none
        for try await batch in store.subscribe(from: .start, batchSize: 4) {
            checkpoint = batch.position
            if batch.isCaughtUp { break }
        }
        #expect(checkpoint == 9)
        // A new subscription from the saved checkpoint, the hole still open.
        var restarted = store.subscribe(from: checkpoint.next, batchSize: 4).makeAsyncIterator()
        let idle = try #require(try await restarted.next())
        #expect(idle.events.isEmpty && idle.position == 9, "nothing is deliverable while 10 is in flight")
        try await store.commit(hole.a)
        let late = try #require(try await restarted.next())
        #expect(late.events.map(\.id) == [hole.aEvent, hole.bEvent])
    }

    @Test func aProjectionCheckpointsOnlyToTheCompletePositionAndAppliesTheLateCommit() async throws {
        let hole = try await openHole()
        let checkpoints = InMemoryCheckpointStore()
        let projection = RecordingProjection()
        let runnable = CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: InMemoryDeadLetterStore())
        let runner = try ProjectionRunner(store: store, projections: [runnable], batchSize: 3)
        let running = Task { try await runner.run() }
        try await runner.waitUntilProcessed(9)
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 9)
        let status = try #require(try await runner.status().first)
        #expect(status.lag == 1, "lag counts the one visible event past the checkpoint, in events")
        try await store.commit(hole.a)
        try await runner.waitUntilProcessed(11)
        #expect(projection.applied == (1...11).map { GlobalPosition($0) }, "every event once, in position order")
        running.cancel()
        try await running.value
    }

    @Test func aProjectionGoesOnAfterARollback() async throws {
        let hole = try await openHole()
        let checkpoints = InMemoryCheckpointStore()
        let projection = RecordingProjection()
        let runnable = CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: InMemoryDeadLetterStore())
        let runner = try ProjectionRunner(store: store, projections: [runnable], batchSize: 3)
        let running = Task { try await runner.run() }
        try await runner.waitUntilProcessed(9)
        try await store.rollBack(hole.a)
        try await runner.waitUntilProcessed(11)
        #expect(projection.applied == (1...9).map { GlobalPosition($0) } + [11])
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 11)
        running.cancel()
        try await running.value
    }

    @Test func aProjectionRestartedWhileTheHoleIsOpenAppliesTheLateEvent() async throws {
        let hole = try await openHole()
        let checkpoints = InMemoryCheckpointStore()
        let deadLetters = InMemoryDeadLetterStore()
        let first = RecordingProjection()
        let firstRunner = try ProjectionRunner(
            store: store, projections: [CheckpointedProjection(first, checkpoints: checkpoints, deadLetters: deadLetters)])
        // A catch-up goes to the complete position, not the head.
        try await firstRunner.catchUp()
        #expect(first.applied == (1...9).map { GlobalPosition($0) })
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 9)
        try await store.commit(hole.a)
        let second = RecordingProjection()
        let secondRunner = try ProjectionRunner(
            store: store, projections: [CheckpointedProjection(second, checkpoints: checkpoints, deadLetters: deadLetters)])
        try await secondRunner.catchUp()
        #expect(second.applied == [10, 11], "the restarted projection applies the late event and the one after it")
    }

    @Test func lagAndProgressCountEventsNotPositions() async throws {
        // Every second append burns a position: 10 events spread over 14 positions.
        let sparse = OutOfOrderEventStore(skippingPositionEvery: 2)
        for index in 0..<10 { try await appendEvents(1, to: sparse, stream: "order-\(index)") }
        let head = try await sparse.headPosition()
        #expect(head.rawValue > 10)
        let checkpoints = InMemoryCheckpointStore()
        let runner = try ProjectionRunner(
            store: sparse,
            projections: [
                CheckpointedProjection(RecordingProjection(), checkpoints: checkpoints, deadLetters: InMemoryDeadLetterStore())
            ], batchSize: 3)
        #expect(try #require(try await runner.status().first).lag == 10)
        let reports = Locked<[RebuildProgress]>([])
        try await runner.rebuild("recorder") { progress in reports.withLock { $0.append(progress) } }
        let seen = reports.withLock { $0 }
        #expect(seen.last?.done == 10 && seen.last?.total == 10, "progress in events: \(seen)")
        #expect(seen.allSatisfy { $0.done <= $0.total })
        #expect(try #require(try await runner.status().first).lag == 0)
    }
}
