internal import Foundation
internal import Logging

// One owner at a time: the runner holds a projection's lease while it follows,
// catches up, resets, rebuilds or retries it (see LeaseStore).
extension ProjectionRunner {
    /// Runs a follower's work (`body`, which returns only when cancelled) while
    /// this runner holds the projection's lease.
    ///
    /// While another owner holds the lease, the projection shows as
    /// ``ProjectionStatus/State/waiting(holder:)`` and the lease is tried again
    /// every ``LeaseSettings/retryInterval``: after the owner releases it, or
    /// after it expires when the owner died. The lease is renewed in the
    /// background; when it is lost, `body` is cancelled (the batch in flight
    /// finishes) and the follower waits again. Cancellation releases the lease.
    nonisolated func followLeased(_ name: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard let leases else { return try await body() }
        let settings = leaseSettings
        var waitingFor: String?
        while true {
            try Task.checkCancellation()
            let requested = ContinuousClock.now
            let acquired: Lease?
            do {
                acquired = try await leases.acquire(name, owner: settings.owner, duration: settings.duration)
            } catch {
                logger.warning(
                    "could not acquire a projection's lease; retrying",
                    metadata: ["projection": "\(name)", "error": "\(error)"])
                try await Task.sleep(for: settings.retryInterval)
                continue
            }
            guard let lease = acquired else {
                let holder = (try? await leases.holder(of: name))?.owner ?? "another owner"
                if waitingFor != holder {
                    logger.info(
                        "projection runs elsewhere; waiting for its lease",
                        metadata: ["projection": "\(name)", "holder": "\(holder)"])
                    waitingFor = holder
                }
                await setLeaseState(name, .waiting(holder: holder))
                try await Task.sleep(for: settings.retryInterval)
                continue
            }
            if waitingFor != nil {
                logger.info(
                    "took over a projection's lease",
                    metadata: ["projection": "\(name)", "owner": "\(lease.owner)", "token": "\(lease.token)"])
                waitingFor = nil
            }
            await setLeaseState(name, .running)
            let keeper = LeaseKeeper(lease, requestedAt: requested, store: leases, settings: settings, logger: logger)
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await LeaseKeeper.$current.withValue(keeper) { try await body() } }
                    group.addTask { try await keeper.keepRenewing() }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch ProjectionError.leaseLost {
                logger.warning(
                    "lost a projection's lease; stopped processing and waiting to take it back",
                    metadata: ["projection": "\(name)", "token": "\(lease.token)"])
                await keeper.release()
                waitingFor = "another owner"
                continue
            } catch {
                await keeper.release()
                throw error
            }
            await keeper.release()
            return
        }
    }

    /// Runs `body` holding the projection's lease, renewed in the background.
    ///
    /// - Throws: ``ProjectionError/Code/leaseHeld`` (naming the holder and when
    ///   its lease expires) when another owner holds it; ``ProjectionError/Code/leaseLost``
    ///   from a batch started after the lease was lost; what `body` throws.
    func withLease<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        guard let leases else { return try await body() }
        let requested = ContinuousClock.now
        guard let lease = try await leases.acquire(name, owner: leaseSettings.owner, duration: leaseSettings.duration)
        else {
            throw Self.leaseHeld(name, holder: try await leases.holder(of: name))
        }
        let keeper = LeaseKeeper(lease, requestedAt: requested, store: leases, settings: leaseSettings, logger: logger)
        let renewal = Task { try await keeper.keepRenewing() }
        defer { renewal.cancel() }
        do {
            let result = try await LeaseKeeper.$current.withValue(keeper) { try await body() }
            renewal.cancel()
            await keeper.release()
            return result
        } catch {
            renewal.cancel()
            await keeper.release()
            throw error
        }
    }

    /// "projection 'x' runs elsewhere: its lease is held by OWNER until TIME".
    static func leaseHeld(_ name: String, holder: Lease?) -> ProjectionError {
        let who =
            holder.map { "its lease is held by \($0.owner) until \(Lease.format($0.expiresAt)) (token \($0.token))" }
            ?? "its lease is held by another owner"
        return ProjectionError(
            code: .leaseHeld,
            message: "projection '\(name)' runs in another process or runner: \(who); "
                + "stop it or wait for the lease to expire", projection: name)
    }

    private func setLeaseState(_ name: String, _ state: ProjectionStatus.State) {
        if case .stopped = states[name] { return }
        if case .waiting = state {
            states[name] = state
        } else if case .waiting = states[name] {
            states[name] = state
        } else if states[name] == nil || states[name] == .idle {
            states[name] = state
        }
    }
}
