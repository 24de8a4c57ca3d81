internal import Foundation
internal import Logging
internal import CoreMetrics

/// Handles the messages of one owned partition, lane by lane in priority order,
/// while its lease is held.
///
/// It reads one page per lane at a time (at most ``ConsumerGroup/batchSize``
/// messages in memory; the member's partitions share each page read, see
/// ``MemberLogReader``), obeys the visibility rule (the complete position is read
/// before each page, and only messages at or below it are delivered), retries a
/// failing message in place (per-stream order), and saves each lane's checkpoint
/// after a run of handled messages, when idle and when it stops. Handlers run in
/// a task of their own, so stopping the worker (cancelling it) lets the message
/// in flight finish; a lost lease stops it before the next message and no
/// checkpoint is saved after that.
final class PartitionWorker: Sendable {
    /// Why a worker ended.
    enum End: Sendable {
        /// Stopped on request; checkpoints saved, lease released.
        case stopped
        /// Its lease was lost; nothing saved after that.
        case leaseLost
        /// The failure policy said stop, or storage failed.
        case failed(any Error)
    }

    let runtime: ConsumerRuntime
    let partition: Int
    let keeper: LeaseKeeper
    private let lag: Gauge

    /// How long handled messages may wait for their checkpoint (at-least-once).
    static let saveInterval = Duration.milliseconds(50)
    /// How long a checkpoint of a partition with no messages of its own may lag behind the log.
    static let idleSaveInterval = Duration.seconds(1)
    /// How stale the complete position may be before a higher lane is re-checked.
    static let recheckInterval = Duration.milliseconds(1)

    init(runtime: ConsumerRuntime, partition: Int, keeper: LeaseKeeper) {
        self.runtime = runtime
        self.partition = partition
        self.keeper = keeper
        lag = runtime.metrics.lag(partition: partition)
    }

    private var group: ConsumerGroup { runtime.group }
    private var bus: EventBus { runtime.bus }

    /// Runs until cancelled, the lease is lost or a failure stops it; then releases the lease.
    func run() async -> End {
        let keeper = keeper
        let end: End
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await keeper.keepRenewing() }
                tasks.addTask { try await self.work() }
                defer { tasks.cancelAll() }
                try await tasks.next()
            }
            end = .stopped
        } catch is CancellationError {
            end = (try? keeper.ensureHeld()) == nil ? .leaseLost : .stopped
        } catch ProjectionError.leaseLost {
            end = .leaseLost
        } catch {
            end = .failed(error)
        }
        runtime.setBacklog(0, partition: partition)
        if case .leaseLost = end {
            runtime.logger.warning("lost the lease of a partition; stopped it", metadata: ["partition": "\(partition)"])
        } else {
            await keeper.release()
        }
        return end
    }

    private func work() async throws {
        let stored = try await bus.checkpoints.checkpoints()
        var positions: [String: GlobalPosition] = [:]
        for checkpoint in stored { positions[checkpoint.name] = checkpoint.position }
        var lanes = try PartitionLane.lanes(of: group, partition: partition, checkpoints: positions)
        let interest = Self.interest(in: lanes, partition: partition, of: group.partitions)
        var lastSave = ContinuousClock.now
        var complete = GlobalPosition.none
        var completeRead = ContinuousClock.now - .seconds(1)
        var freshness = CompletePositionFreshness()
        // A complete position read (by this worker or another of the member) before this is stale.
        var wokeAt = ContinuousClock.now
        do {
            while true {
                try Task.checkCancellation()
                try keeper.ensureHeld()
                let now = ContinuousClock.now
                if now - completeRead >= Self.recheckInterval {
                    let known = bus.store.knownCompletePosition
                    switch freshness.next(known: known, current: complete) {
                    case .use(let position):
                        // This process's commits moved it (and woke this worker, if it waited).
                        complete = position
                    case .keep:
                        break
                    case .read:
                        let read = try await runtime.reader.completePosition(
                            readAtOrAfter: max(now - Self.recheckInterval, wokeAt))
                        complete = max(complete, read, known)
                        freshness.didRead(at: now)
                    }
                    completeRead = .now
                }
                guard let lane = try await nextLane(&lanes, complete: complete) else {
                    // Caught up: save what is done, then wait for appends.
                    try await save(&lanes, force: false, idle: true, lastSave: &lastSave)
                    lag.record(0)
                    runtime.setBacklog(0, partition: partition)
                    // Skipped messages not saved yet are saved within idleSaveInterval, appends or not.
                    let saveDue = lanes.contains { $0.handled > $0.saved } ? lastSave + Self.idleSaveInterval : nil
                    try await bus.store.waitForAppends(after: complete, concerning: interest, until: saveDue)
                    wokeAt = .now
                    freshness.wokeUp()
                    completeRead = .now - .seconds(1)
                    continue
                }
                let item = lanes[lane].pending[lanes[lane].next]
                let parked = try await deliver(item, lane: lane, lanes: &lanes, lastSave: &lastSave)
                lanes[lane].finishNext()
                runtime.setBacklog(lanes.reduce(0) { $0 + $1.waiting }, partition: partition)
                let unsaved = lanes.reduce(0) { $0 + $1.unsaved }
                if parked || unsaved >= group.batchSize || ContinuousClock.now - lastSave >= Self.saveInterval {
                    try await save(&lanes, force: parked, idle: false, lastSave: &lastSave)
                    let oldest = lanes.map(\.handled).min() ?? complete
                    lag.record(max(0, complete.rawValue - oldest.rawValue))
                }
            }
        } catch {
            // Stopping: keep what was handled, unless the lease is gone.
            if (try? keeper.ensureHeld()) != nil {
                let toSave = lanes.filter { $0.handled > $0.saved }.map { ($0.checkpoint, $0.handled) }
                let checkpoints = bus.checkpoints
                do {
                    try await Task {
                        for (name, position) in toSave { try await checkpoints.save(position, named: name) }
                    }.value
                } catch let saveError {
                    runtime.logger.warning(
                        "could not save a checkpoint on stop; messages after it will be delivered again",
                        metadata: ["partition": "\(partition)", "error": "\(saveError)"])
                }
            }
            throw error
        }
    }

    /// The appends that concern this partition: its topics' streams that fall
    /// in it, and the group's redelivery stream; `nil` (every append) when it
    /// follows `$all`.
    static func interest(in lanes: [PartitionLane], partition: Int, of count: Int) -> AppendInterest? {
        var categories: Set<String> = []
        var streams: Set<StreamName> = []
        for lane in lanes {
            if let topic = lane.source {
                if topic.isAll { return nil }
                categories.insert(topic.name)
            } else {
                streams.formUnion(lane.filter.streams ?? [])
            }
        }
        return AppendInterest(categories: categories, streams: streams) { stream in
            MessagePartitioning.partition(of: stream, count: count) == partition
        }
    }

    /// The highest-priority lane with a message waiting, reading lanes whose log may have moved.
    private func nextLane(_ lanes: inout [PartitionLane], complete: GlobalPosition) async throws -> Int? {
        for index in lanes.indices {
            if lanes[index].hasPending { return index }
            while !lanes[index].hasPending, lanes[index].read < complete {
                // Read once for every partition of this member (see MemberLogReader).
                let page = try await runtime.reader.page(of: lanes[index], after: lanes[index].read, complete: complete)
                lanes[index].take(page.records, through: page.through, partition: partition, of: group.partitions)
            }
            runtime.setBacklog(lanes.reduce(0) { $0 + $1.waiting }, partition: partition)
            if lanes[index].hasPending { return index }
        }
        return nil
    }

    /// Saves the lanes' checkpoints that moved.
    ///
    /// - Parameters:
    ///   - force: Save every lane that moved now.
    ///   - idle: The worker is caught up: save lanes with handled messages, and
    ///     lanes that only skipped other partitions' messages once a second.
    private func save(
        _ lanes: inout [PartitionLane], force: Bool, idle: Bool, lastSave: inout ContinuousClock.Instant
    ) async throws {
        let skipsDue = force || ContinuousClock.now - lastSave >= Self.idleSaveInterval
        var saved = false
        for index in lanes.indices where lanes[index].handled > lanes[index].saved {
            guard lanes[index].unsaved > 0 || skipsDue || !idle else { continue }
            try keeper.ensureHeld()
            try await bus.checkpoints.save(lanes[index].handled, named: lanes[index].checkpoint)
            lanes[index].saved = lanes[index].handled
            lanes[index].unsaved = 0
            saved = true
        }
        for index in lanes.indices { lanes[index].unsaved = 0 }
        if saved || !idle { lastSave = .now }
    }

    /// Saves one lane's checkpoint at what it has handled (before a failing message is retried).
    private func save(lane: Int, _ lanes: inout [PartitionLane]) async throws {
        guard lanes[lane].handled > lanes[lane].saved else { return }
        try keeper.ensureHeld()
        try await bus.checkpoints.save(lanes[lane].handled, named: lanes[lane].checkpoint)
        lanes[lane].saved = lanes[lane].handled
    }

    /// Delivers one message until it is handled, parked or lost.
    ///
    /// - Returns: Whether it was parked as a dead letter (the checkpoint should be saved now).
    /// - Throws: ``BusError`` (`stopped`), lease loss, cancellation or a storage error.
    private func deliver(
        _ item: PartitionLane.Pending, lane: Int, lanes: inout [PartitionLane], lastSave: inout ContinuousClock.Instant
    ) async throws -> Bool {
        let record = item.record
        let attempts = bus.attempts
        var attempt = 1
        if lanes[lane].looksUpAttempts, !isAtMostOnce {
            lanes[lane].looksUpAttempts = false
            if let previous = try await attempts.attempts(consumer: group.name, message: record.id) {
                attempt = previous.attempts + 1
            }
        }
        if isAtMostOnce {
            // Saved before handling: a crash or a failure loses the message, never repeats it.
            try keeper.ensureHeld()
            try await bus.checkpoints.save(item.position, named: lanes[lane].checkpoint)
            lanes[lane].saved = item.position
        }
        while true {
            try keeper.ensureHeld()
            if let expiresAt = MessageHeaders.date(MessageHeaders.expiresAt, in: record.metadata), expiresAt <= Date() {
                // A dead letter records at least one attempt: the turn that found it expired.
                try await park(record, error: "expired", attempts: max(1, attempt - 1))
                runtime.count { $0.expired += 1 }
                runtime.metrics.expired.increment()
                return true
            }
            let permit = try await runtime.breaker.admit()
            do {
                try await runtime.gate.enter()
            } catch {
                runtime.breaker.abandoned(permit)
                throw error
            }
            do {
                try keeper.ensureHeld()
            } catch {
                runtime.gate.leave()
                runtime.breaker.abandoned(permit)
                throw error
            }
            let message = ReceivedMessage(
                record: record, group: group.name, partition: partition, attempt: attempt,
                isRedelivery: lanes[lane].isRedelivery)
            if attempt > 1 {
                runtime.count { $0.retried += 1 }
                runtime.metrics.retried.increment()
            }
            let started = ContinuousClock.now
            let result = await call(message, checkpoint: lanes[lane].checkpoint, position: item.position)
            let elapsed = ContinuousClock.now - started
            runtime.gate.leave()
            runtime.metrics.handlerTime.recordNanoseconds(Self.nanoseconds(elapsed))
            runtime.count { stats in
                stats.handlerTime += elapsed
                stats.maxHandlerTime = max(stats.maxHandlerTime, elapsed)
            }
            switch result {
            case .success:
                runtime.breaker.succeeded(permit)
                runtime.count { $0.delivered += 1 }
                runtime.metrics.delivered.increment()
                if runtime.delivery.savesCheckpoints { lanes[lane].saved = max(lanes[lane].saved, item.position) }
                if attempt > 1 { try await attempts.clear(consumer: group.name, message: record.id) }
                return false
            case .failure(let error) where error is CancellationError:
                // The handler gave the message up (a member stopping): not a failure, no
                // attempt recorded. The worker stops as if cancelled (it saves what was
                // handled and releases the partition); the message is delivered again.
                runtime.breaker.abandoned(permit)
                throw error
            case .failure(let error):
                runtime.breaker.failed(permit)
                runtime.count { $0.failed += 1 }
                runtime.metrics.failed.increment()
                if isAtMostOnce {
                    runtime.count { $0.lost += 1 }
                    runtime.logger.error(
                        "at-most-once handler failed; the message is lost",
                        metadata: ["message": "\(record.id)", "stream": "\(record.stream)", "error": "\(error)"])
                    return false
                }
                // The failing message becomes the first after the lane's checkpoint, so
                // a new owner finds its attempts (see looksUpAttempts).
                try await save(lane: lane, &lanes)
                let failed = try await attempts.recordFailure(
                    consumer: group.name, message: record.id, error: String(describing: error))
                if failed.attempts < group.failurePolicy.maxAttempts {
                    runtime.logger.debug(
                        "handler failed; retrying",
                        metadata: ["message": "\(record.id)", "attempt": "\(failed.attempts)", "error": "\(error)"])
                    try await Task.sleep(for: group.failurePolicy.delay(afterAttempt: failed.attempts))
                    attempt = failed.attempts + 1
                    continue
                }
                switch group.failurePolicy.onExhausted {
                case .skip:
                    try await park(record, error: String(describing: error), attempts: failed.attempts)
                    return true
                case .stop:
                    runtime.logger.error(
                        "handler failed on its last attempt; the group stops",
                        metadata: ["message": "\(record.id)", "attempts": "\(failed.attempts)", "error": "\(error)"])
                    throw BusError(
                        code: .stopped,
                        message: "consumer group '\(group.name)' stopped at message \(record.id.chronicleString) "
                            + "(\(record.stream), position \(record.position.rawValue)) after \(failed.attempts) "
                            + "attempts: \(error)",
                        group: group.name, cause: error)
                }
            }
        }
    }

    private var isAtMostOnce: Bool { group.guarantee == .atMostOnce && !runtime.delivery.savesCheckpoints }

    /// Parks a message as the group's dead letter and forgets its attempts.
    private func park(_ record: EventRecord, error: String, attempts: Int) async throws {
        try keeper.ensureHeld()
        let failures = try await bus.attempts.attempts(consumer: group.name, message: record.id)
        try await bus.deadLetters.park(
            record, consumer: group.name, error: error, attempts: attempts, firstFailedAt: failures?.firstFailedAt)
        try await bus.attempts.clear(consumer: group.name, message: record.id)
        if error != "expired" {
            runtime.count { $0.deadLettered += 1 }
            runtime.metrics.deadLettered.increment()
        }
        runtime.logger.warning(
            "parked a message as a dead letter",
            metadata: ["message": "\(record.id)", "stream": "\(record.stream)", "error": "\(error)"])
    }

    /// Runs the handler in a task of its own: stopping the worker does not cancel the message in flight.
    private func call(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async -> Result<Void, any Error> {
        let delivery = runtime.delivery
        return await Task {
            switch delivery {
            case .handler(let handler):
                try await handler(message)
            case .inbox(let inbox):
                _ = try await inbox.handle(message, checkpoint: checkpoint, position: position)
            }
        }.result
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
