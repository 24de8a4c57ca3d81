import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// One owner at a time, within a process: runners on one store share its leases.
@Suite("Projection runner leases")
struct ProjectionRunnerLeaseTests {
    let store = InMemoryEventStore()
    let checkpoints = InMemoryCheckpointStore()
    let deadLetters = InMemoryDeadLetterStore()

    func runnable(_ projection: RecordingProjection) -> CheckpointedProjection<RecordingProjection> {
        CheckpointedProjection(projection, checkpoints: checkpoints, deadLetters: deadLetters)
    }

    /// Waits (at most 20 s) until the runner reports the projection in a state that `matches`.
    func waitForState(
        _ runner: ProjectionRunner, _ matches: @escaping (ProjectionStatus.State) -> Bool
    ) async throws -> ProjectionStatus.State {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let state = try #require(try await runner.status().first).state
            if matches(state) { return state }
            if ContinuousClock.now > deadline { throw WaitTimedOut(last: state) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    struct WaitTimedOut: Error { let last: ProjectionStatus.State }

    @Test func aSecondRunnerWaitsWhileTheFirstRunsAndTakesOverWhenItStops() async throws {
        try await appendEvents(5, to: store)
        let first = RecordingProjection()
        let second = RecordingProjection()
        // Long enough that only the release, never an expiry, can hand the lease over within the deadline below.
        let settings = LeaseSettings(owner: "first", duration: .seconds(180))
        let runner1 = try ProjectionRunner(store: store, projections: [runnable(first)], leaseSettings: settings)
        let runner2 = try ProjectionRunner(
            store: store, projections: [runnable(second)], leaseSettings: LeaseSettings(owner: "second"))
        let running1 = Task { try await runner1.run() }
        try await first.waitUntilApplied(5)
        let running2 = Task { try await runner2.run() }
        #expect(try await waitForState(runner2) { $0 == .waiting(holder: "first") } == .waiting(holder: "first"))
        try await appendEvents(3, to: store)
        try await first.waitUntilApplied(8)
        #expect(second.applied.isEmpty, "the waiting runner applies nothing")

        // A graceful stop releases the lease: the second runner takes over long before it would expire.
        running1.cancel()
        try await running1.value
        #expect(try await store.leases.holder(of: "recorder")?.owner != "first")
        try await appendEvents(2, to: store)
        try await second.waitUntilApplied(10, within: 60)
        #expect(second.applied == [9, 10], "the second runner goes on from the shared checkpoint")
        #expect(first.applied == (1...8).map { GlobalPosition($0) })
        #expect(try await store.leases.holder(of: "recorder")?.owner == "second")
        running2.cancel()
        try await running2.value
        #expect(try await store.leases.holder(of: "recorder") == nil, "released on shutdown")
    }

    @Test func aRunnerTakesOverTheLeaseOfAnOwnerThatDiedAfterItExpires() async throws {
        // The lease store's clock is the test's: the dead owner's lease expires
        // when the test says, however slowly the machine runs.
        let now = Locked(Date(timeIntervalSince1970: 1_000_000))
        let leases = InMemoryLeaseStore(clock: { now.withLock { $0 } })
        try await appendEvents(4, to: store)
        let dead = try #require(try await leases.acquire("recorder", owner: "dead", duration: .seconds(2)))
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(
            store: store, projections: [runnable(projection)], leases: leases,
            leaseSettings: LeaseSettings(owner: "heir", duration: .seconds(3)))
        let running = Task { try await runner.run() }
        let waiting = try await waitForState(runner) { if case .waiting = $0 { true } else { false } }
        #expect(waiting == .waiting(holder: "dead"))
        #expect(projection.applied.isEmpty, "nothing is applied while the dead owner's lease lasts")

        now.withLock { $0 = $0.addingTimeInterval(3) }
        try await projection.waitUntilApplied(4, within: 60)
        let lease = try #require(try await leases.holder(of: "recorder"))
        #expect(lease.owner == "heir")
        #expect(lease.token > dead.token)
        #expect(lease.acquiredAt >= dead.expiresAt)
        running.cancel()
        try await running.value
    }

    @Test func catchUpRebuildResetAndRetryRefuseWhileAnotherOwnerHoldsTheLease() async throws {
        try await appendEvents(3, to: store)
        let other = try #require(
            try await store.leases.acquire("recorder", owner: "ops-host:4242:beef", duration: .seconds(60)))
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(store: store, projections: [runnable(projection)])
        for what in ["catch-up", "rebuild", "reset"] {
            let error = await #expect(throws: ProjectionError.self, "\(what)") {
                switch what {
                case "catch-up": try await runner.catchUp()
                case "rebuild": try await runner.rebuild("recorder")
                default: try await runner.reset("recorder")
                }
            }
            #expect(error?.code == .leaseHeld, "\(what)")
            #expect(error?.message.contains("ops-host:4242:beef") == true, "\(what): names the holder")
            #expect(error?.message.contains("until ") == true, "\(what): says when the lease expires")
        }
        #expect(projection.applied.isEmpty)
        #expect(projection.resets == 0)
        #expect(try await checkpoints.checkpoint(named: "recorder") == nil)
        #expect(try await store.leases.holder(of: "recorder") == other, "the holder's lease is untouched")

        // Once the holder releases it, the same calls work and leave the lease free.
        try await store.leases.release(other)
        try await runner.catchUp()
        #expect(projection.applied == [1, 2, 3])
        #expect(try await store.leases.holder(of: "recorder") == nil)
    }

    @Test func aRunnerThatLosesItsLeaseStopsApplyingAndWaitsToTakeItBack() async throws {
        let now = Locked(Date(timeIntervalSince1970: 1_000_000))
        let leases = InMemoryLeaseStore(clock: { now.withLock { $0 } })
        try await appendEvents(2, to: store)
        let projection = RecordingProjection()
        let runner = try ProjectionRunner(
            store: store, projections: [runnable(projection)], leases: leases,
            leaseSettings: LeaseSettings(owner: "runner", duration: .seconds(1)))
        let running = Task { try await runner.run() }
        try await projection.waitUntilApplied(2)
        let held = try #require(try await leases.holder(of: "recorder"))

        // The store's clock jumps past the lease (a long pause of the owner); a thief takes it.
        now.withLock { $0 = $0.addingTimeInterval(60) }
        let thief = try #require(try await leases.acquire("recorder", owner: "thief", duration: .seconds(3600)))
        #expect(thief.token > held.token)
        #expect(try await waitForState(runner) { $0 == .waiting(holder: "thief") } == .waiting(holder: "thief"))
        try await appendEvents(3, to: store)
        // The subscription hands the new events over at once; a runner that
        // ignored the loss would apply them within milliseconds.
        try await Task.sleep(for: .milliseconds(300))
        #expect(projection.applied == [1, 2], "nothing is applied without the lease")

        try await leases.release(thief)
        try await projection.waitUntilApplied(5, within: 60)
        #expect(projection.applied == [1, 2, 3, 4, 5])
        #expect((try await leases.holder(of: "recorder"))?.token ?? 0 > thief.token)
        running.cancel()
        try await running.value
    }
}
