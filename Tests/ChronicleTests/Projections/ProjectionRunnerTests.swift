import Chronicle
import ChronicleTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite("Projection runner")
struct ProjectionRunnerTests {
    let store = InMemoryEventStore()
    let checkpoints = InMemoryCheckpointStore()
    let deadLetters = InMemoryDeadLetterStore()

    func runnable(_ projection: RecordingProjection) -> CheckpointedProjection<RecordingProjection> {
        CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: deadLetters)
    }

    @Test func catchUpAppliesEveryEventOnceInOrderAndSavesTheCheckpoint() async throws {
        try await appendEvents(25, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)], batchSize: 4)
        try await runner.catchUp()
        #expect(projection.applied == (1...25).map { GlobalPosition($0) })
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 25)
        // A second catch-up starts from the checkpoint: nothing is applied twice.
        try await appendEvents(3, to: store)
        try await runner.catchUp()
        #expect(projection.applied == (1...28).map { GlobalPosition($0) })
    }

    @Test func aFilteredProjectionSeesOnlyItsEventsButItsCheckpointReachesTheHead() async throws {
        try await appendEvents(3, to: store, stream: "order-1", type: "Placed")
        try await appendEvents(4, to: store, stream: "noise-1", type: "Noise")
        let projection = RecordingProjection(filter: EventFilter(categories: ["order"]))
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        try await runner.catchUp()
        #expect(projection.applied == [1, 2, 3])
        let status = try #require(try await runner.status().first)
        #expect(status.checkpoint == 7)
        #expect(status.lag == 0)
    }

    @Test func aRunningRunnerFollowsLiveAppendsAndStopsWhenCancelled() async throws {
        try await appendEvents(5, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        let running = Task { try await runner.run() }
        try await projection.waitUntilApplied(5)
        try await appendEvents(2, to: store, stream: "order-2")
        try await projection.waitUntilApplied(7)
        #expect(try await runner.status().first?.state == .caughtUp || projection.applied.count == 7)
        running.cancel()
        try await running.value
        #expect(projection.applied == (1...7).map { GlobalPosition($0) })
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 7)
    }

    @Test func aTransientFailureIsRetriedAndAppliedOnce() async throws {
        try await appendEvents(5, to: store)
        let projection = RecordingProjection(failing: [3: 2])
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        try await runner.catchUp()
        #expect(projection.applied == [1, 2, 3, 4, 5])
        #expect(projection.attempts(at: 3) == 3)
        #expect(try await deadLetters.count(consumer: nil) == 0)
    }

    @Test func anEventFailingEveryAttemptIsParkedAndSkipped() async throws {
        try await appendEvents(5, to: store)
        let projection = RecordingProjection(failing: [2: .max])
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        try await runner.catchUp()
        #expect(projection.applied == [1, 3, 4, 5])
        #expect(projection.attempts(at: 2) == 3)
        let letters = try await deadLetters.deadLetters(consumer: "recorder", limit: 10)
        #expect(letters.count == 1)
        #expect(letters.first?.position == 2)
        #expect(letters.first?.attempts == 3)
        #expect(letters.first?.error == "boom at 2")
        #expect(try await checkpoints.checkpoint(named: "recorder")?.position == 5)
        #expect(try await runner.status().first?.deadLetters == 1)
    }

    @Test func aStoppingProjectionStopsAloneAndRetriesTheEventWhenStartedAgain() async throws {
        try await appendEvents(5, to: store)
        let stopping = RecordingProjection(
            name: "stopping",
            failurePolicy: FailurePolicy(maxAttempts: 2, initialDelay: .milliseconds(1), onExhausted: .stop),
            failing: [3: 2])
        let healthy = RecordingProjection(name: "healthy")
        let runner = try ProjectionRunner(store: store, projections: [runnable(stopping), runnable(healthy)])
        let error = await #expect(throws: ProjectionError.self) { try await runner.catchUp() }
        #expect(error?.code == .stopped)
        #expect(error?.position == 3)
        #expect(stopping.applied == [1, 2])
        #expect(try await checkpoints.checkpoint(named: "stopping")?.position == 2)
        #expect(try await deadLetters.count(consumer: "stopping") == 1)
        let statuses = try await runner.status()
        if case .stopped(let message) = statuses[0].state {
            #expect(message.contains("boom at 3"))
        } else {
            Issue.record("expected the stopping projection to be stopped, got \(statuses[0].state)")
        }
        // The other projection is not held back by it.
        try await runner.catchUp(["healthy"])
        #expect(healthy.applied == [1, 2, 3, 4, 5])
        // Started again (the failure budget is spent), it retries event 3 and goes on.
        try await runner.catchUp(["stopping"])
        #expect(stopping.applied == [1, 2, 3, 4, 5])
    }

    @Test func rebuildResetsReplaysAndReportsProgress() async throws {
        try await appendEvents(40, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)], batchSize: 10)
        try await runner.catchUp()
        try await deadLetters.park(try await store.readAll(from: 1, limit: 1)[0], consumer: "recorder", error: "old", attempts: 1)
        let reports = ProgressLog()
        try await runner.rebuild("recorder") { reports.append($0) }
        #expect(projection.resets == 1)
        #expect(projection.applied == (1...40).map { GlobalPosition($0) }, "replayed from the start after the reset")
        let progress = reports.values
        #expect(progress.map(\.done) == [10, 20, 30, 40])
        #expect(progress.allSatisfy { $0.total == 40 })
        #expect(progress.last?.fraction == 1)
        #expect(try await deadLetters.count(consumer: "recorder") == 0, "a reset clears the projection's dead letters")
    }

    @Test func waitingForAPositionIsCancellable() async throws {
        try await appendEvents(3, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        // Nothing runs the projection, so position 3 is never reached: only cancellation ends the wait.
        let waiting = WaitOutcome { try await runner.waitUntilProcessed(3) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(waiting.outcome == nil, "nothing processed position 3 yet")
        waiting.task.cancel()
        #expect(try await waiting.ended(within: .seconds(10)) is CancellationError)

        // Cancelled before it starts waiting: it throws at once too.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await runner.waitUntilProcessed(3)
        }
        await #expect(throws: CancellationError.self) { try await early.value }

        // A wait that is not cancelled still ends when the position is processed.
        let reached = WaitOutcome { try await runner.waitUntilProcessed(3) }
        try await runner.catchUp()
        #expect(try await reached.ended(within: .seconds(10)) == nil)
    }

    /// A wait run in a task of its own, watched without awaiting it (so that a
    /// wait that never ends fails the test instead of hanging it).
    final class WaitOutcome: Sendable {
        let task: Task<Void, Never>
        private let result: Locked<(any Error)??>

        init(_ body: @escaping @Sendable () async throws -> Void) {
            let result = Locked<(any Error)??>(nil)
            self.result = result
            task = Task {
                do {
                    try await body()
                    result.withLock { $0 = .some(nil) }
                } catch {
                    result.withLock { $0 = .some(error) }
                }
            }
        }

        /// `nil` while waiting; then the error it ended with, or `.some(nil)` when it returned.
        var outcome: (any Error)?? { result.withLock { $0 } }

        /// The error the wait ended with (`nil` when it returned); throws when it has not ended within `limit`.
        func ended(within limit: Duration) async throws -> (any Error)? {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if let ended = outcome { return ended }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw WaitTimedOut()
        }

        struct WaitTimedOut: Error {}
    }

    @Test func statusReportsCheckpointHeadAndLag() async throws {
        try await appendEvents(10, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        try await checkpoints.save(4, named: "recorder")
        let status = try #require(try await runner.status().first)
        #expect(status.checkpoint == 4)
        #expect(status.head == 10)
        #expect(status.lag == 6)
        #expect(status.state == .idle)
        #expect(status.guarantee == .atLeastOnce)
        let lagSeconds = try #require(status.lagSeconds)
        #expect(lagSeconds >= 0 && lagSeconds < 60)
        try await runner.catchUp()
        let after = try #require(try await runner.status().first)
        #expect(after.lag == 0)
        #expect(after.lagSeconds == nil)
        #expect(after.state == .caughtUp)
    }

    @Test func namesAreCheckedUpFront() async throws {
        #expect(throws: ProjectionError.self) {
            try ProjectionRunner(
                store: store, projections: [runnable(RecordingProjection()), runnable(RecordingProjection())])
        }
        let runner = try ProjectionRunner(store: store, projections: [runnable(RecordingProjection())])
        do {
            try await runner.rebuild("nope")
            Issue.record("rebuilding an unknown projection succeeded")
        } catch ProjectionError.unknownProjection {
        }
    }

    @Test func gracefulShutdownFinishesTheBatchInFlight() async throws {
        try await appendEvents(3, to: store)
        let gate = BatchGate()
        let projection = GatedProjection(gate: gate)
        let stopping = MessageWatcher(waitingFor: "projection runner stopping")
        let runner = try ProjectionRunner(
            store: store,
            projections: [CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: deadLetters)],
            logger: Logger(label: "test") { _ in stopping })
        let group = ServiceGroup(services: [runner], logger: .init(label: "test"))
        let running = Task { try await group.run() }
        await gate.waitUntilEntered()
        await group.triggerGracefulShutdown()
        // Only once the runner has cancelled its followers does the handler go on.
        await stopping.waitForMessage()
        gate.open()
        try await running.value
        #expect(try await checkpoints.checkpoint(named: "gated")?.position == 3, "the batch in flight committed")
    }
}

final class ProgressLog: Sendable {
    private let values_ = Locked<[RebuildProgress]>([])
    func append(_ progress: RebuildProgress) { values_.withLock { $0.append(progress) } }
    var values: [RebuildProgress] { values_.withLock { $0 } }
}


/// Holds the first event's handler until the test opens the gate.
final class BatchGate: Sendable {
    private let entered = AsyncStream<Void>.makeStream()
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func enter() async {
        entered.continuation.yield()
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func waitUntilEntered() async {
        var iterator = entered.stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

struct GatedProjection: Projection {
    let name = "gated"
    let gate: BatchGate
    func apply(_ event: EventRecord) async throws {
        if event.position == 1 {
            await gate.enter()
            // The shutdown came while this batch was in flight: it must not see cancellation.
            try Task.checkCancellation()
        }
    }
    func reset() async throws {}
}

/// A log handler that lets a test wait for one message.
struct MessageWatcher: LogHandler {
    let expected: String
    let seen = AsyncStream<Void>.makeStream()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(waitingFor expected: String) { self.expected = expected }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.message.description.hasPrefix(expected) { seen.continuation.yield() }
    }

    func waitForMessage() async {
        var iterator = seen.stream.makeAsyncIterator()
        _ = await iterator.next()
    }
}
