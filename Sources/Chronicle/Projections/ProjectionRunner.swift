public import Logging
public import ServiceLifecycle
internal import Foundation
internal import CoreMetrics

/// Runs projections: each follows the global log from its own checkpoint, in
/// batches, concurrently with the others.
///
/// As a swift-service-lifecycle `Service`, it runs in the app's `ServiceGroup`;
/// on graceful shutdown (SIGTERM) each projection finishes the batch in flight,
/// commits it, and stops. A projection that stops after a failed event (its
/// policy says `.stop`) does not stop the others; ``status()`` reports it.
///
/// ```swift
/// let runner = try ProjectionRunner(store: store, projections: [
///     store.exactlyOnce(OrderSummaryProjection(registry: registry)),
///     CheckpointedProjection(Mailer(), checkpoints: store.checkpoints, deadLetters: store.deadLetters),
/// ])
/// let group = ServiceGroup(services: [runner, httpServer], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public actor ProjectionRunner: Service {
    struct Entry: Sendable {
        let runnable: any RunnableProjection
        let metrics: ProjectionMetrics
    }

    /// The log the projections follow.
    public nonisolated let store: any EventStore
    /// The most events per batch.
    public nonisolated let batchSize: Int
    /// The most events per batch when an exactly-once projection catches up or is rebuilt.
    public nonisolated let catchUpBatchSize: Int
    /// The projections' names, in the order given.
    public nonisolated let names: [String]
    nonisolated let entries: [String: Entry]
    /// Where the projections' leases live (one owner at a time); `nil` runs them without leases.
    public nonisolated let leases: (any LeaseStore)?
    /// Who this runner is to the lease store, and how long its leases last.
    public nonisolated let leaseSettings: LeaseSettings
    nonisolated let logger: Logger
    var states: [String: ProjectionStatus.State] = [:]
    var followers: [String: Task<Void, Never>] = [:]
    var busy: Set<String> = []
    var committed: [String: GlobalPosition] = [:]
    var positionWaiters: [PositionWaiter] = []
    var nextWaiterId = 0

    struct PositionWaiter {
        let id: Int
        let names: Set<String>
        let position: GlobalPosition
        let continuation: CheckedContinuation<Void, any Error>
    }
    var isRunning = false

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - store: The log to follow.
    ///   - projections: The projections, each with a unique name.
    ///   - batchSize: The most events per batch (and per transaction for exactly-once projections).
    ///   - catchUpBatchSize: The most events per batch when ``catchUp(_:progress:)`` or
    ///     ``rebuild(_:progress:)`` drives an exactly-once projection (never fewer than
    ///     `batchSize`). Each of its batches is one transaction, so large ones make a
    ///     rebuild several times faster; at-least-once projections keep `batchSize`,
    ///     which bounds what a crash delivers again.
    ///   - leases: Where each projection's lease is kept, so that one process at a
    ///     time runs it; by default the store's own (``LeaseProviding``), and none
    ///     for a store that keeps no leases.
    ///   - leaseSettings: The runner's owner id and the lease duration (15 s by default).
    ///   - logger: Where the runner logs failures and state changes.
    /// - Throws: ``ProjectionError/duplicateName`` when two projections share a name.
    public init(
        store: some EventStore, projections: [any RunnableProjection], batchSize: Int = 500,
        catchUpBatchSize: Int = 5_000, leases: (any LeaseStore)? = nil, leaseSettings: LeaseSettings = LeaseSettings(),
        logger: Logger = Logger(label: "chronicle.projections")
    ) throws {
        var entries: [String: Entry] = [:]
        for projection in projections {
            if entries[projection.name] != nil {
                throw ProjectionError(
                    code: .duplicateName, message: "two projections are named '\(projection.name)'",
                    projection: projection.name)
            }
            entries[projection.name] = Entry(runnable: projection, metrics: ProjectionMetrics(projection: projection.name))
        }
        self.store = store
        self.batchSize = max(1, batchSize)
        self.catchUpBatchSize = max(self.batchSize, catchUpBatchSize)
        self.names = projections.map(\.name)
        self.entries = entries
        self.leases = leases ?? (store as? any LeaseProviding)?.leases
        self.leaseSettings = leaseSettings
        self.logger = logger
    }

    /// Runs every projection until the task is cancelled or a graceful shutdown
    /// is requested; then each finishes its batch in flight and stops.
    ///
    /// - Throws: Nothing of the projections' own failures (see ``status()``);
    ///   only `CancellationError`-free exits happen.
    public func run() async throws {
        isRunning = true
        for name in names { startFollower(name) }
        let (stopped, continuation) = AsyncStream<Void>.makeStream()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for await _ in stopped { break }
            } onGracefulShutdown: {
                continuation.finish()
            }
        } onCancel: {
            continuation.finish()
        }
        isRunning = false
        let running = followers
        followers = [:]
        logger.info("projection runner stopping; finishing batches in flight", metadata: ["projections": "\(running.count)"])
        for (_, follower) in running { follower.cancel() }
        for (_, follower) in running { await follower.value }
        logger.info("projection runner stopped")
    }

    /// Processes every projection (or the named ones) up to the head of the log as
    /// it is now, then returns. Projections that a running ``run()`` follows are
    /// skipped: they are kept up to date already.
    ///
    /// ```swift
    /// try await runner.catchUp()
    /// let rows = try await readModel.fetchAll()
    /// ```
    ///
    /// - Parameters:
    ///   - names: The projections to catch up; all when `nil`.
    ///   - progress: Called after every batch.
    /// - Throws: ``ProjectionError`` (`unknownProjection`, `stopped` with the
    ///   handler's error, `busy`), `CancellationError` when interrupted, or a store error.
    public func catchUp(
        _ names: [String]? = nil, progress: @escaping @Sendable (RebuildProgress) -> Void = { _ in }
    ) async throws {
        for name in try resolve(names) where followers[name] == nil {
            try claim(name)
            defer { release(name) }
            try await withLease(name) {
                states[name] = .running
                try await driveToHead(name, progress: progress)
            }
        }
    }

    /// Resets a projection and replays the log into it from the start up to the
    /// head, reporting progress after every batch; a running projection is
    /// paused for the rebuild and follows the log again afterwards.
    ///
    /// Each batch commits with its checkpoint, so an interrupted rebuild (the task
    /// cancelled, the process killed) leaves the projection consistent: the next
    /// ``catchUp(_:progress:)`` or ``run()`` goes on from its checkpoint (another
    /// `rebuild` resets and starts over; `projections rebuild` in ChronicleCLI
    /// notes an unfinished rebuild and continues it instead).
    ///
    /// ```swift
    /// try await runner.rebuild("order-summary") { progress in
    ///     print("\(progress.done)/\(progress.total)")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The projection.
    ///   - progress: Called after every batch.
    /// - Throws: ``ProjectionError`` (`unknownProjection`, `stopped`, `busy`),
    ///   `CancellationError` when interrupted, or a store error.
    public func rebuild(_ name: String, progress: @escaping @Sendable (RebuildProgress) -> Void = { _ in }) async throws {
        let entry = try entry(named: name)
        try claim(name)
        defer { release(name) }
        await pauseFollower(name)
        defer { if isRunning { startFollower(name) } }
        try await withLease(name) {
            states[name] = .rebuilding
            do {
                try await entry.runnable.reset()
            } catch {
                states[name] = .stopped(error: "\(error)")
                throw error
            }
            logger.info("rebuilding projection", metadata: ["projection": "\(name)"])
            try await driveToHead(name, progress: progress)
        }
    }

    /// Processes one projection up to the head as it is now, reporting progress;
    /// marks it caught up, or stopped (failing its waiters) when that fails.
    private func driveToHead(_ name: String, progress: @escaping @Sendable (RebuildProgress) -> Void) async throws {
        let started = ContinuousClock.now
        do {
            // The complete position, not the head: with several writers, events
            // below the head may still be committing (the visibility rule).
            let target = try await store.completePosition()
            let entry = entries[name]!
            let store = store
            let total = try await store.eventCount(after: .none, through: target)
            let counter = ProgressCounter()
            try await Self.drive(
                entry, store: store, batchSize: catchUpBatchSize(for: entry), until: target, logger: logger
            ) { previous, position, _ in
                // Progress in events: those before the starting checkpoint once,
                // then each batch's range (a dense store subtracts, one with gaps counts).
                let done = try await counter.advance(from: previous, to: min(position, target), store: store)
                progress(Self.progress(name, done: done, total: total, since: started))
                await self.didCommit(name, position)
            }
            states[name] = .caughtUp
        } catch {
            states[name] = .stopped(error: "\(error)")
            failWaiters(name, error)
            throw error
        }
    }

    /// Stops a projection's follower, if one runs, and waits for its batch in flight.
    func pauseFollower(_ name: String) async {
        if let follower = followers.removeValue(forKey: name) {
            follower.cancel()
            await follower.value
        }
    }

    /// Clears a projection's read model, checkpoint and dead letters; it starts
    /// from the beginning the next time it runs.
    ///
    /// - Parameter name: The projection.
    /// - Throws: ``ProjectionError`` (`unknownProjection`, `busy`) or the reset's error.
    public func reset(_ name: String) async throws {
        let entry = try entry(named: name)
        try claim(name)
        defer { release(name) }
        await pauseFollower(name)
        defer { if isRunning { startFollower(name) } }
        try await withLease(name) { try await entry.runnable.reset() }
        states[name] = .idle
    }

    /// The state, checkpoint, lag and dead letters of every projection.
    ///
    /// - Returns: One status per projection, in the order given.
    /// - Throws: A store error.
    public func status() async throws -> [ProjectionStatus] {
        let head = try await store.headPosition()
        var result: [ProjectionStatus] = []
        for name in names {
            let runnable = entries[name]!.runnable
            let checkpoint = try await runnable.checkpoint()
            let lag = try await store.eventCount(after: checkpoint, through: head)
            var lagSeconds: Double?
            if checkpoint < head,
                let oldest = try await store.readAll(from: checkpoint.next, limit: 1, filter: runnable.filter).first
            {
                lagSeconds = max(0, Date().timeIntervalSince(oldest.recordedAt))
            }
            entries[name]!.metrics.lag.record(lag)
            result.append(
                ProjectionStatus(
                    name: name, state: states[name] ?? .idle, guarantee: runnable.guarantee, checkpoint: checkpoint,
                    head: head, lag: lag, lagSeconds: lagSeconds, deadLetters: try await runnable.deadLetterCount()))
        }
        return result
    }

    /// Waits until the projections (or the named ones) have processed the log up
    /// to `position`: read-your-writes for code that appended and now queries a
    /// read model, and for tests.
    ///
    /// ```swift
    /// let result = try await store.append([placed], to: order, expecting: .noStream)
    /// try await runner.waitUntilProcessed(result.positions!.upperBound)
    /// let summary = try await orderSummaries.fetch(order)   // includes the new order
    /// ```
    ///
    /// - Parameters:
    ///   - position: The position to reach.
    ///   - names: The projections to wait for; all when `nil`.
    /// - Throws: ``ProjectionError/unknownProjection``, ``ProjectionError/stopped``
    ///   when a waited-for projection stops, or `CancellationError`.
    public func waitUntilProcessed(_ position: GlobalPosition, by names: [String]? = nil) async throws {
        let wanted = Set(try resolve(names))
        for name in wanted where committed[name] == nil {
            committed[name] = try await entries[name]!.runnable.checkpoint()
        }
        if wanted.allSatisfy({ committed[$0, default: .none] >= position }) { return }
        let id = nextWaiterId
        nextWaiterId += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                positionWaiters.append(
                    PositionWaiter(id: id, names: wanted, position: position, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Ends a cancelled ``waitUntilProcessed(_:by:)`` with `CancellationError`.
    private func cancelWaiter(_ id: Int) {
        guard let index = positionWaiters.firstIndex(where: { $0.id == id }) else { return }
        positionWaiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    func didCommit(_ name: String, _ position: GlobalPosition) {
        committed[name] = position
        positionWaiters.removeAll { waiter in
            guard waiter.names.allSatisfy({ committed[$0, default: .none] >= waiter.position }) else { return false }
            waiter.continuation.resume()
            return true
        }
    }

    private func failWaiters(_ name: String, _ error: any Error) {
        positionWaiters.removeAll { waiter in
            guard waiter.names.contains(name) else { return false }
            waiter.continuation.resume(throwing: error)
            return true
        }
    }

    // MARK: - Followers

    func startFollower(_ name: String) {
        guard let entry = entries[name], followers[name] == nil else { return }
        states[name] = .running
        let store = store
        let batchSize = batchSize
        let logger = logger
        followers[name] = Task {
            do {
                try await self.followLeased(name) {
                    try await Self.drive(entry, store: store, batchSize: batchSize, until: nil, logger: logger) {
                        _, position, caughtUp in
                        await self.setState(name, caughtUp ? .caughtUp : .running)
                        await self.didCommit(name, position)
                    }
                }
            } catch is CancellationError {
            } catch {
                logger.error("projection stopped", metadata: ["projection": "\(name)", "error": "\(error)"])
                self.setState(name, .stopped(error: "\(error)"))
                self.failWaiters(name, error)
            }
        }
    }

    private func setState(_ name: String, _ state: ProjectionStatus.State) {
        if case .stopped = states[name], state != .idle { return }
        states[name] = state
    }

    // MARK: - Bookkeeping

    nonisolated static func progress(
        _ name: String, done: Int64, total: Int64, since started: ContinuousClock.Instant
    ) -> RebuildProgress {
        let elapsed = started.duration(to: .now)
        return RebuildProgress(
            projection: name, done: min(done, total), total: total,
            elapsed: elapsed.seconds)
    }

    /// The batch size of a catch-up or rebuild: large for exactly-once projections.
    private nonisolated func catchUpBatchSize(for entry: Entry) -> Int {
        entry.runnable.guarantee == .exactlyOnce ? catchUpBatchSize : batchSize
    }

    private func resolve(_ names: [String]?) throws -> [String] {
        guard let names else { return self.names }
        for name in names { _ = try entry(named: name) }
        return names
    }

    func entry(named name: String) throws -> Entry {
        guard let entry = entries[name] else {
            throw ProjectionError(
                code: .unknownProjection,
                message: "no projection named '\(name)' (known: \(names.joined(separator: ", ")))", projection: name)
        }
        return entry
    }

    func claim(_ name: String) throws {
        if !busy.insert(name).inserted {
            throw ProjectionError(
                code: .busy, message: "projection '\(name)' is already being rebuilt, reset or caught up",
                projection: name)
        }
    }

    func release(_ name: String) { busy.remove(name) }
}
