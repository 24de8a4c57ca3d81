/// Wakes tasks waiting for new events as soon as an append commits in this process.
///
/// Stores own one and call ``signal()`` after every committed append; their
/// ``EventStore/waitForAppends(after:)`` waits on it. A signal is a hint: the
/// waiter re-reads the head, so an early or spurious wake-up costs one read.
///
/// ```swift
/// let signal = AppendSignal()
/// let seen = signal.generation
/// // ... after committing an append:
/// signal.signal()
/// // elsewhere:
/// try await signal.wait(after: seen, timeout: .milliseconds(20))
/// ```
@_spi(Implementing) public final class AppendSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Locked(State())

    /// Creates a signal with no waiters.
    public init() {}

    /// How many times the signal has fired; pass it to ``wait(after:timeout:)``.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func signal() {
        let waiters = state.withLock { state in
            state.generation &+= 1
            defer { state.waiters.removeAll(keepingCapacity: true) }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the signal fires after `generation`, the timeout passes, or the
    /// task is cancelled.
    ///
    /// - Parameters:
    ///   - generation: The ``generation`` read before checking for new events.
    ///   - timeout: The longest wait.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = try await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }

    private func wait(after generation: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
