internal import Foundation
internal import Logging
internal import CoreMetrics

/// One running member of a consumer group: holds its member lease, takes its
/// fair share of partition leases (and gives back the excess) every membership
/// interval (`membershipInterval(_:)`), runs a ``PartitionWorker`` per owned partition, levels the
/// handlers' concurrency with the backlog, and runs the scheduler when asked.
struct GroupMember: Sendable {
    let runtime: ConsumerRuntime

    private enum Event: Sendable {
        case tick
        case workerEnded(partition: Int, id: Int, end: PartitionWorker.End)
        case failed(any Error)
    }

    private struct Running {
        let id: Int
        let task: Task<PartitionWorker.End, Never>
    }

    private var group: ConsumerGroup { runtime.group }
    private var bus: EventBus { runtime.bus }

    /// The members running in this process, by store and member lease name: a
    /// lease store extends an owner's own lease, so two runs with one member id
    /// would both believe they own the same partitions. (A store that is a value
    /// type is not told apart from another: such runs are not caught.)
    private static let running = Locked<Set<RunningKey>>([])

    private struct RunningKey: Hashable {
        let store: ObjectIdentifier
        let lease: String
    }

    /// Runs until cancelled (returns) or a worker fails (throws).
    func run() async throws {
        try runtime.validate()
        let key: RunningKey? =
            type(of: bus.store) is AnyObject.Type
            ? RunningKey(
                store: ObjectIdentifier(bus.store as AnyObject),
                lease: BusNames.memberLease(group: group.name, member: group.member)) : nil
        if let key, !Self.running.withLock({ $0.insert(key).inserted }) {
            throw BusError(
                code: .memberInUse,
                message: "member '\(group.member)' of consumer group '\(group.name)' is already running in this process",
                group: group.name)
        }
        defer { if let key { _ = Self.running.withLock { $0.remove(key) } } }
        do {
            try await checkPartitionCount()
            try await membership()
        } catch is CancellationError {
            return
        }
    }

    /// Refuses a member whose partition count differs from the group's checkpoints.
    private func checkPartitionCount() async throws {
        for checkpoint in try await bus.checkpoints.checkpoints() {
            guard let parsed = BusNames.parseCheckpoint(checkpoint.name), parsed.group == group.name,
                parsed.count != group.partitions
            else { continue }
            throw BusError(
                code: .partitionCountMismatch,
                message: "consumer group '\(group.name)' has \(parsed.count) partitions in its checkpoints; "
                    + "this member was started with \(group.partitions)",
                group: group.name)
        }
    }

    private func membership() async throws {
        let settings = runtime.leaseSettings
        let memberLeaseName = BusNames.memberLease(group: group.name, member: group.member)
        guard var memberLease = try await bus.leases.acquire(memberLeaseName, owner: group.member, duration: settings.duration)
        else {
            throw BusError(
                code: .memberInUse,
                message: "member '\(group.member)' of consumer group '\(group.name)' is running elsewhere",
                group: group.name)
        }
        runtime.logger.info("joined consumer group")
        let (events, continuation) = AsyncStream<Event>.makeStream()
        var workers: [Int: Running] = [:]
        var nextId = 0
        var failure: (any Error)?
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                while !Task.isCancelled {
                    continuation.yield(.tick)
                    do { try await Task.sleep(for: Self.membershipInterval(settings)) } catch { return }
                }
            }
            tasks.addTask { await self.levelLoad() }
            if group.runsScheduler {
                let bus = bus
                tasks.addTask {
                    do { try await bus.runScheduler() } catch is CancellationError {} catch {
                        continuation.yield(.failed(error))
                    }
                }
            }
            loop: for await event in events {
                switch event {
                case .tick:
                    do {
                        if let renewed = try await bus.leases.acquire(
                            memberLeaseName, owner: group.member, duration: settings.duration)
                        {
                            memberLease = renewed
                        }
                        try await rebalance(&workers, nextId: &nextId, continuation: continuation)
                    } catch is CancellationError {
                        break loop
                    } catch {
                        runtime.logger.warning("could not rebalance partitions; trying again", metadata: ["error": "\(error)"])
                    }
                case .workerEnded(let partition, let id, let end):
                    guard workers[partition]?.id == id else { continue }
                    workers[partition] = nil
                    runtime.setOwned(Array(workers.keys))
                    if case .failed(let error) = end {
                        if error is BusError {
                            failure = error
                            break loop
                        }
                        // Storage trouble: the worker saved what it could and released its
                        // lease; the partition is taken again at a later tick.
                        runtime.logger.error(
                            "a partition stopped on an error; it is taken up again",
                            metadata: ["partition": "\(partition)", "error": "\(error)"])
                    }
                case .failed(let error):
                    failure = error
                    break loop
                }
            }
            tasks.cancelAll()
        }
        // Stop: every worker finishes its message in flight, saves its checkpoints and releases its lease.
        for (_, running) in workers { running.task.cancel() }
        // Logged once every worker is told: none starts another message after this line.
        runtime.logger.info(
            "leaving consumer group; finishing messages in flight", metadata: ["partitions": "\(workers.count)"])
        for (_, running) in workers { _ = await running.task.value }
        runtime.setOwned([])
        continuation.finish()
        let leases = bus.leases
        let lease = memberLease
        try? await Task { try await leases.release(lease) }.value
        runtime.logger.info("left consumer group")
        if let failure { throw failure }
    }

    /// How often a member renews its member lease and rebalances: every second,
    /// or every third of the lease if that is shorter. Independent of the lease
    /// (15 s leases would otherwise make a newcomer wait 10 s for partitions);
    /// a listing of the group's leases and one renewal per member each time.
    static func membershipInterval(_ settings: LeaseSettings) -> Duration {
        min(settings.renewInterval, .seconds(1))
    }

    /// Takes free partitions up to the fair share and gives back the excess.
    private func rebalance(
        _ workers: inout [Int: Running], nextId: inout Int, continuation: AsyncStream<Event>.Continuation
    ) async throws {
        let all = try await bus.leases.leases()
        let memberPrefix = BusNames.memberLease(group: group.name, member: "")
        let members = max(1, all.filter { $0.name.hasPrefix(memberPrefix) }.count)
        let assignment = PartitionAssignment(members: members, partitions: group.partitions)
        var holders: [String: Lease] = [:]
        for lease in all { holders[lease.name] = lease }
        let owned = Set(workers.keys)
        for partition in assignment.toRelease(owned: owned) {
            guard let running = workers.removeValue(forKey: partition) else { continue }
            running.task.cancel()
            _ = await running.task.value
            runtime.logger.debug("released a partition", metadata: ["partition": "\(partition)"])
        }
        var taken: Set<Int> = []
        for partition in 0..<group.partitions {
            let name = BusNames.partitionLease(group: group.name, partition: partition, of: group.partitions)
            if let holder = holders[name], holder.owner != group.member { taken.insert(partition) }
        }
        var stillWanted = assignment.share - workers.count
        for partition in assignment.toAcquire(owned: Set(workers.keys), taken: taken, member: group.member) {
            guard stillWanted > 0 else { break }
            try Task.checkCancellation()
            let name = BusNames.partitionLease(group: group.name, partition: partition, of: group.partitions)
            let requested = ContinuousClock.now
            guard let lease = try await bus.leases.acquire(name, owner: group.member, duration: runtime.leaseSettings.duration)
            else { continue }
            let keeper = LeaseKeeper(
                lease, requestedAt: requested, store: bus.leases, settings: runtime.leaseSettings, logger: runtime.logger)
            let worker = PartitionWorker(runtime: runtime, partition: partition, keeper: keeper)
            nextId += 1
            let id = nextId
            let task = Task {
                let end = await worker.run()
                continuation.yield(.workerEnded(partition: partition, id: id, end: end))
                return end
            }
            workers[partition] = Running(id: id, task: task)
            stillWanted -= 1
            runtime.logger.debug("took a partition", metadata: ["partition": "\(partition)"])
        }
        runtime.setOwned(Array(workers.keys))
    }

    /// Every second: one more handler at once when the backlog grew or exceeds a
    /// batch, one fewer when there is none.
    private func levelLoad() async {
        var previous = 0
        runtime.metrics.concurrencyLimit.record(runtime.gate.limit)
        while true {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let backlog = runtime.totalBacklog
            if backlog > previous || backlog > group.batchSize {
                runtime.gate.adjust(by: 1)
            } else if backlog == 0 {
                runtime.gate.adjust(by: -1)
            }
            previous = backlog
            runtime.metrics.concurrencyLimit.record(runtime.gate.limit)
            runtime.metrics.circuitOpen.record(runtime.breaker.current == .closed ? 0 : 1)
        }
    }
}
