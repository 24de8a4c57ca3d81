internal import Foundation
internal import Logging
internal import CoreMetrics

extension EventBus {
    /// The checkpoint the scheduler keeps: everything at or below it is published.
    static let schedulerCheckpoint = "bus.$scheduler"

    /// Publishes delayed messages when they are due; runs until cancelled.
    ///
    /// A message published with a future `deliverAt` waits as a scheduled entry
    /// (stream `$scheduled-<message id>`, outside every topic). The scheduler
    /// follows those entries from its checkpoint, keeps the ones not yet due in
    /// memory in due order, and when one is due appends it to its stream with its
    /// own id, type, schema version, data and metadata (the `chronicle.deliver-at`
    /// and `chronicle.expires-at` headers stay; the scheduler's own go). It wakes
    /// at the earliest due time and on every append (`waitForAppends` raced with a
    /// sleep), so a message is published within milliseconds of its time.
    ///
    /// One process at a time publishes: the scheduler holds the lease
    /// ``BusNames/schedulerLease``, renewed while it runs; while another process
    /// holds it, it tries again every ``LeaseSettings/retryInterval``, and when it
    /// loses it, it stops publishing and waits again. Publishing is idempotent as
    /// well (the same id to the same stream returns the stored result), so two
    /// schedulers that overlap, or a crash between a publish and the checkpoint,
    /// never deliver a message twice. The checkpoint stays just below the oldest
    /// entry not yet published, so a restart finds every pending one again.
    ///
    /// ```swift
    /// let scheduler = Task { try await bus.runScheduler() }
    /// try await bus.publish(reminder, to: "sagas", key: orderId, after: .seconds(30))
    /// // ... at shutdown:
    /// scheduler.cancel()
    /// ```
    ///
    /// - Parameter leaseSettings: The lease's owner and duration; a new owner for
    ///   this process and 15 s by default.
    /// - Throws: Nothing in practice: it returns when cancelled, releasing the
    ///   lease, and rides out store errors (it logs them, releases the lease and
    ///   starts over from its checkpoint after ``LeaseSettings/retryInterval``).
    public func runScheduler(leaseSettings: LeaseSettings = LeaseSettings()) async throws {
        let name = BusNames.schedulerLease
        var waiting = false
        while !Task.isCancelled {
            let requested = ContinuousClock.now
            let acquired: Lease?
            do {
                acquired = try await leases.acquire(name, owner: leaseSettings.owner, duration: leaseSettings.duration)
            } catch {
                if Task.isCancelled { return }
                logger.warning("could not acquire the scheduler's lease; retrying", metadata: ["error": "\(error)"])
                guard await Self.pause(leaseSettings.retryInterval) else { return }
                continue
            }
            guard let lease = acquired else {
                if !waiting {
                    let holder = (try? await leases.holder(of: name))?.owner ?? "another owner"
                    logger.info("the scheduler runs elsewhere; waiting for its lease", metadata: ["holder": "\(holder)"])
                    waiting = true
                }
                guard await Self.pause(leaseSettings.retryInterval) else { return }
                continue
            }
            waiting = false
            let keeper = LeaseKeeper(lease, requestedAt: requested, store: leases, settings: leaseSettings, logger: logger)
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.schedule(keeper) }
                    group.addTask { try await keeper.keepRenewing() }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch ProjectionError.leaseLost {
                await keeper.release()
                logger.warning(
                    "the scheduler lost its lease; stopped publishing and waiting to take it back",
                    metadata: ["token": "\(lease.token)"])
                continue
            } catch {
                await keeper.release()
                if Task.isCancelled || error is CancellationError { return }
                // Storage trouble (a busy or full database): the pending entries are
                // found again from the checkpoint, so start over after a pause.
                logger.warning(
                    "the scheduler failed; starting over from its checkpoint",
                    metadata: ["error": "\(error)"])
                guard await Self.pause(leaseSettings.retryInterval) else { return }
                continue
            }
            await keeper.release()
        }
    }

    /// Sleeps; `false` when cancelled.
    private static func pause(_ duration: Duration) async -> Bool {
        do {
            try await Task.sleep(for: duration)
            return true
        } catch {
            return false
        }
    }

    /// The scheduler's work while it holds the lease; returns only by throwing.
    private func schedule(_ keeper: LeaseKeeper) async throws {
        let metrics = SchedulerMetrics()
        let filter = EventFilter(categories: [BusCategories.scheduled])
        var saved = try await checkpoints.checkpoint(named: Self.schedulerCheckpoint)?.position ?? .none
        var scanned = saved
        var pending = ScheduledQueue()
        var retryAt: Date?
        while true {
            // The visibility rule: only entries at or below the complete position.
            let complete = try await store.completePosition()
            while scanned < complete {
                let page = try await store.readAll(from: scanned.next, limit: 512, filter: filter)
                for record in page where record.position <= complete {
                    if let entry = ScheduledEntry(record) {
                        pending.insert(entry)
                    } else {
                        logger.warning(
                            "skipping a scheduled entry without valid scheduler headers",
                            metadata: ["stream": "\(record.stream)", "position": "\(record.position)"])
                    }
                }
                if page.count == 512, let last = page.last, last.position < complete {
                    scanned = last.position
                } else {
                    scanned = complete
                }
            }

            if retryAt.map({ $0 <= Date() }) ?? true {
                retryAt = nil
                while let first = pending.first, first.due <= Date() {
                    try keeper.ensureHeld()
                    do {
                        try await publishDue(first)
                    } catch let error where !(error is CancellationError) {
                        logger.warning(
                            "could not publish a due message; retrying",
                            metadata: ["id": "\(first.id)", "stream": "\(first.target)", "error": "\(error)"])
                        retryAt = Date().addingTimeInterval(keeper.settings.retryInterval.seconds)
                        break
                    }
                    pending.removeFirst()
                    metrics.published.increment()
                    metrics.delay.recordNanoseconds(Int64(max(0, Date().timeIntervalSince(first.due)) * 1e9))
                }
            }
            metrics.pending.record(pending.count)

            // Everything below the oldest entry not yet published is done.
            let through = pending.oldestPosition.map { GlobalPosition($0.rawValue - 1) } ?? scanned
            if through > saved {
                try keeper.ensureHeld()
                try await checkpoints.save(through, named: Self.schedulerCheckpoint)
                saved = through
            }

            let wake = [pending.first?.due, retryAt].compactMap { $0 }.min()
            try await waitForScheduled(after: scanned, orUntil: wake)
        }
    }

    /// Appends a due message to its stream, once: a repeat (another scheduler,
    /// or a restart before the checkpoint) returns the stored result.
    private func publishDue(_ entry: ScheduledEntry) async throws {
        do {
            try await store.append([entry.message], to: entry.target, expecting: .any)
        } catch EventStoreError.duplicateEvent {
            // The id is stored elsewhere (not in order, or in another stream): it
            // was delivered already, or the id was reused; never deliver twice.
            logger.warning(
                "a due message's id is already stored; not publishing it again",
                metadata: ["id": "\(entry.id)", "stream": "\(entry.target)"])
        }
    }

    /// Returns after an append, or at `due`: whichever comes first.
    private func waitForScheduled(after position: GlobalPosition, orUntil due: Date?) async throws {
        let store = store
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.waitForAppends(after: position) }
            if let due {
                let delay = Duration.nanoseconds(Int64(max(0, due.timeIntervalSinceNow) * 1e9))
                group.addTask { try await Task.sleep(until: .now + delay, clock: .continuous) }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
