internal import Foundation
internal import Logging

/// Holds one lease while work runs: renews it every ``LeaseSettings/renewInterval``
/// and knows, by this process's own monotonic clock, whether it still holds it.
///
/// The lease counts as lost when the store refuses a renewal (it expired, or
/// another owner took it) or when no renewal succeeded within the duration
/// since the last acquire or renewal was requested: a renewal stuck behind
/// another process's write lock does not keep the work going past the time the
/// store lets others take over. Work checks ``ensureHeld()`` before each batch;
/// the follower also stops at once when ``keepRenewing()`` throws.
final class LeaseKeeper: Sendable {
    /// The lease the current task works under (set by the projection runner);
    /// `ProjectionRunner.drive` checks it before every batch.
    @TaskLocal static var current: LeaseKeeper?

    private struct State {
        var lease: Lease
        var validUntil: ContinuousClock.Instant
        var lost = false
    }

    let store: any LeaseStore
    let settings: LeaseSettings
    let logger: Logger
    private let state: Locked<State>

    /// - Parameters:
    ///   - lease: The lease just acquired.
    ///   - requestedAt: When the acquire was requested: the lease holds at most `duration` from then.
    init(_ lease: Lease, requestedAt: ContinuousClock.Instant, store: any LeaseStore, settings: LeaseSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
        state = Locked(State(lease: lease, validUntil: requestedAt + settings.duration))
    }

    /// The lease as last acquired or renewed.
    var lease: Lease { state.withLock { $0.lease } }

    /// Throws ``ProjectionError/Code/leaseLost`` unless the lease is still held.
    func ensureHeld() throws {
        let (lease, held) = state.withLock { state in
            if ContinuousClock.now >= state.validUntil { state.lost = true }
            return (state.lease, !state.lost)
        }
        if !held { throw Self.lost(lease) }
    }

    /// Renews the lease until the task is cancelled.
    ///
    /// - Throws: ``ProjectionError/Code/leaseLost`` when the lease is lost;
    ///   `CancellationError` when cancelled.
    func keepRenewing() async throws {
        // On a queue of its own, so that a busy cooperative pool does not hold
        // renewals back past the lease (see LeaseRenewalExecutor).
        try await withTaskExecutorPreference(LeaseRenewalExecutor.shared) {
            try await renewUntilLost()
        }
    }

    private func renewUntilLost() async throws {
        var pause = settings.renewInterval
        while true {
            let deadline = state.withLock { $0.validUntil }
            try await Task.sleep(until: min(.now + pause, deadline), clock: .continuous)
            try ensureHeld()
            let lease = self.lease
            let requested = ContinuousClock.now
            switch try await renew(lease, before: deadline) {
            case .renewed(let renewed):
                state.withLock { state in
                    state.lease = renewed
                    state.validUntil = requested + settings.duration
                }
                pause = settings.renewInterval
            case .refused:
                state.withLock { $0.lost = true }
                throw Self.lost(lease)
            case .failed(let error):
                // Storage trouble (a busy timeout, a full disk): try again soon,
                // until the lease would have expired.
                logger.warning(
                    "could not renew a lease; retrying",
                    metadata: ["lease": "\(lease.name)", "owner": "\(lease.owner)", "error": "\(error)"])
                pause = settings.renewInterval / 4
            case .timedOut:
                state.withLock { $0.lost = true }
                throw Self.lost(lease)
            }
        }
    }

    /// Releases the lease (a no-op in the store when it was lost meanwhile).
    func release() async {
        let lease = self.lease
        let store = store
        do {
            // In a task of its own: releasing is what an interrupted (cancelled)
            // run does last, and a cancelled task's store call would be refused.
            try await Task { try await store.release(lease) }.value
        } catch {
            logger.warning(
                "could not release a lease; it expires by itself",
                metadata: ["lease": "\(lease.name)", "owner": "\(lease.owner)", "error": "\(error)"])
        }
    }

    private enum Renewal: Sendable {
        case renewed(Lease)
        case refused
        case failed(any Error)
        case timedOut
    }

    /// One renewal, given up when it has not answered by `deadline`.
    private func renew(_ lease: Lease, before deadline: ContinuousClock.Instant) async throws -> Renewal {
        let store = store
        let duration = settings.duration
        return try await withThrowingTaskGroup(of: Renewal.self) { group in
            group.addTask {
                do {
                    return try await store.renew(lease, duration: duration).map(Renewal.renewed) ?? .refused
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return .timedOut
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private static func lost(_ lease: Lease) -> ProjectionError {
        ProjectionError(
            code: .leaseLost,
            message: "lost the lease of '\(lease.name)' (owner \(lease.owner), token \(lease.token)): "
                + "it was not renewed in time and may have been taken over", projection: lease.name)
    }
}
