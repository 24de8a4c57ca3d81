import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// Members of one group share its partitions through leases.
@Suite("Bus group membership")
struct BusMembershipTests {
    let store = InMemoryEventStore()

    @Test func twoMembersSharePartitionsWithNothingLostOrHandledTwice() async throws {
        let bus = store.bus()
        try await publish(50, keys: 20, on: bus)
        let log = MessageLog()
        let handler: @Sendable (ReceivedMessage) async throws -> Void = { log.add($0) }
        let a = bus.consumer(try fastGroup("workers", partitions: 8, member: "a"), handler: handler)
        let b = bus.consumer(try fastGroup("workers", partitions: 8, member: "b"), handler: handler)
        let runningA = Task { try await a.run() }
        try await waitUntil("a owns all") { a.statistics.ownedPartitions.count == 8 }
        let runningB = Task { try await b.run() }
        try await publish(50, from: 50, keys: 20, on: bus)
        try await waitUntil("the partitions are split") {
            a.statistics.ownedPartitions.count == 4 && b.statistics.ownedPartitions.count == 4
        }
        #expect(Set(a.statistics.ownedPartitions).isDisjoint(with: b.statistics.ownedPartitions))
        try await publish(100, from: 100, keys: 20, on: bus)
        try await log.wait("all 200") { $0.count >= 200 }
        #expect(b.statistics.delivered > 0 && a.statistics.delivered > 0)
        runningA.cancel()
        runningB.cancel()
        try await runningA.value
        try await runningB.value
        #expect(log.numbers.sorted() == Array(0..<200), "each message once")
        expectStreamOrder(log.all)
        #expect(try await store.leases.leases().isEmpty)
    }

    @Test func aMemberLeavingHandsItsPartitionsToTheOther() async throws {
        let bus = store.bus()
        let log = MessageLog()
        let handler: @Sendable (ReceivedMessage) async throws -> Void = { log.add($0) }
        let a = bus.consumer(try fastGroup("workers", partitions: 6, member: "a"), handler: handler)
        let b = bus.consumer(try fastGroup("workers", partitions: 6, member: "b"), handler: handler)
        let runningA = Task { try await a.run() }
        let runningB = Task { try await b.run() }
        try await waitUntil("split") { a.statistics.ownedPartitions.count == 3 && b.statistics.ownedPartitions.count == 3 }
        try await publish(60, keys: 12, on: bus)
        try await log.wait("first 60") { $0.count >= 60 }
        runningA.cancel()
        try await runningA.value
        #expect(a.statistics.ownedPartitions.isEmpty)
        try await waitUntil("b owns all") { b.statistics.ownedPartitions.count == 6 }
        try await publish(60, from: 60, keys: 12, on: bus)
        try await log.wait("all 120") { $0.count >= 120 }
        runningB.cancel()
        try await runningB.value
        #expect(log.numbers.sorted() == Array(0..<120))
        expectStreamOrder(log.all)
    }

    @Test func aDeadMembersPartitionsMoveOnAfterExpiryAndItsUnacknowledgedMessagesAreRedelivered() async throws {
        let leases = FreezableLeaseStore(store.leases)
        let bus = store.bus(leases: leases)
        try await publish(5, keys: 1, on: bus)   // stream orders-k0: 0, 1, 2, 3, 4
        let stuck = AsyncStream<Void>.makeStream()
        let first = MessageLog()
        let a = bus.consumer(try fastGroup("workers", partitions: 2, member: "a", lease: .seconds(3))) { message in
            first.add(message)
            if number(of: message) == 2 {
                // "a" hangs here and stops renewing: a dead process.
                leases.freeze("a")
                for await _ in stuck.stream {}
            }
        }
        let runningA = Task { try await a.run() }
        try await first.wait("a is stuck on 2") { $0.contains { number(of: $0) == 2 } }
        let second = MessageLog()
        let b = bus.consumer(try fastGroup("workers", partitions: 2, member: "b")) {
            second.add($0)
        }
        let runningB = Task { try await b.run() }
        try await second.wait("b gets 2, 3, 4") { $0.contains { number(of: $0) == 4 } }
        #expect(b.statistics.ownedPartitions.count == 2)
        let redelivered = second.numbers
        #expect(redelivered.last == 4)
        #expect(redelivered.contains(2), "the message a never acknowledged is delivered again")
        #expect(redelivered == Array((redelivered.first ?? 0)...4), "in stream order: \(redelivered)")
        // At least once: a stall of the loaded machine before the freeze can cost "a" its
        // lease and make it take 0 or 1 again; never anything past the message it hangs on.
        #expect(Set(first.numbers) == [0, 1, 2] && first.numbers.last == 2, "\(first.numbers)")
        stuck.continuation.finish()
        runningB.cancel()
        runningA.cancel()
        try await runningB.value
        try? await runningA.value
        #expect(first.numbers.last == 2 && first.numbers.count <= 5, "the dead member handled nothing after losing its lease")
    }

    @Test func aMemberWithAnotherPartitionCountIsRefused() async throws {
        let checkpoints = InMemoryCheckpointStore()
        let bus = store.bus(checkpoints: checkpoints)
        try await publish(4, on: bus)
        let log = MessageLog()
        let member = RunningMember(bus, try fastGroup("workers", partitions: 4, member: "a")) { log.add($0) }
        try await log.wait("4 handled") { $0.count >= 4 }
        try await member.stop()
        let before = try await checkpoints.checkpoints()
        do {
            try await bus.consume(try fastGroup("workers", partitions: 8, member: "b")) { _ in }
            Issue.record("expected a refusal")
        } catch BusError.partitionCountMismatch {
        }
        #expect(try await checkpoints.checkpoints() == before, "nothing changed")
        #expect(try await store.leases.leases().isEmpty)
    }

    @Test func theStatusShowsOwnersCheckpointsLagAndDeadLetters() async throws {
        let deadLetters = InMemoryDeadLetterStore()
        let bus = store.bus(deadLetters: deadLetters)
        let bad = try await bus.publish(busMessage(0), to: "orders", key: "bad")
        try await publish(10, from: 1, keys: 5, on: bus)
        var group = try fastGroup("workers", partitions: 2, member: "a")
        group.failurePolicy.maxAttempts = 1
        let log = MessageLog()
        let consumer = bus.consumer(group) { message in
            if message.id == bad.id { throw HandlerFailure(text: "bad") }
            log.add(message)
        }
        let running = Task { try await consumer.run() }
        try await log.wait("10 handled") { $0.count >= 10 }
        try await waitUntil("checkpoints saved") {
            let status = try await bus.status(group: "workers")
            return status?.lag == 0 && status?.partitions.allSatisfy { $0.owner == "a" } == true
        }
        let live = try #require(try await bus.status(group: "workers"))
        #expect(live.partitionCount == 2 && live.members.map(\.id) == ["a"])
        #expect(live.deadLetters == 1 && live.topics.contains("orders"))
        #expect(live.partitions.allSatisfy { $0.leaseExpiresAt != nil })
        #expect(live.partitions.contains { $0.checkpoints["orders"] != nil })
        running.cancel()
        try await running.value

        try await publish(3, from: 20, keys: 3, on: bus)
        let stopped = try #require(try await bus.status(group: "workers"))
        #expect(stopped.lag == 3)
        #expect(stopped.lagSeconds >= 0)
        #expect(stopped.members.isEmpty && stopped.partitions.allSatisfy { $0.owner == nil })
        #expect(try await bus.groups().map(\.name) == ["workers"])
        #expect(try await bus.status(group: "nobody") == nil)
        #expect(stopped.violations(of: BusThresholds(maxLag: 2)).count == 1)
        #expect(stopped.violations(of: BusThresholds(maxLag: 3, maxDeadLetters: 1)).isEmpty)
        #expect(stopped.violations(of: BusThresholds(maxDeadLetters: 0)) == ["consumer group 'workers': 1 dead letters exceed 0"])
        var withStatistics = stopped
        withStatistics.statistics = consumer.statistics
        #expect(withStatistics.violations(of: BusThresholds(maxErrorRate: 0.01)).count == 1, "1 failure in 11 calls")
    }
}

/// A lease store whose chosen owners stop renewing (their calls hang until
/// cancelled), as a hung or dead process does.
final class FreezableLeaseStore: LeaseStore {
    let base: any LeaseStore
    private let frozen = Locked<Set<String>>([])

    init(_ base: any LeaseStore) { self.base = base }

    func freeze(_ owner: String) { frozen.withLock { _ = $0.insert(owner) } }

    private func hangIfFrozen(_ owner: String) async throws {
        guard frozen.withLock({ $0.contains(owner) }) else { return }
        try await Task.sleep(for: .seconds(3_600))
    }

    func acquire(_ name: String, owner: String, duration: Duration) async throws -> Lease? {
        try await hangIfFrozen(owner)
        return try await base.acquire(name, owner: owner, duration: duration)
    }

    func renew(_ lease: Lease, duration: Duration) async throws -> Lease? {
        try await hangIfFrozen(lease.owner)
        return try await base.renew(lease, duration: duration)
    }

    func release(_ lease: Lease) async throws {
        if frozen.withLock({ $0.contains(lease.owner) }) { return }
        try await base.release(lease)
    }

    func holder(of name: String) async throws -> Lease? { try await base.holder(of: name) }
    func leases() async throws -> [Lease] { try await base.leases() }
}

@Suite("Bus member ids")
struct BusMemberIdTests {
    @Test func oneMemberIdRunsOnceInAProcess() async throws {
        let store = InMemoryEventStore()
        let bus = store.bus()
        let group = try fastGroup("workers", member: "same")
        let log = MessageLog()
        let first = RunningMember(bus, group) { log.add($0) }
        try await waitUntil("joined") { try await store.leases.leases().count > 1 }
        do {
            try await bus.consume(group) { _ in }
            Issue.record("expected a refusal")
        } catch BusError.memberInUse {
        }
        try await first.stop()
        // Free again once stopped.
        let second = RunningMember(bus, group) { log.add($0) }
        try await publish(1, on: bus)
        try await log.wait("the second run handles") { $0.count == 1 }
        try await second.stop()
    }
}
