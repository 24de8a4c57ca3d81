/// Limits how many handlers of one member run at once, to a limit that load
/// levelling moves within the group's ``ConsumerGroup/concurrency`` range.
///
/// Waiters are continuations (no thread is parked), resumed in arrival order;
/// a cancelled waiter leaves the queue and throws `CancellationError`.
final class ConcurrencyGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var limit: Int
        var running = 0
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
        var cancelled: Set<UInt64> = []
    }

    let bounds: ClosedRange<Int>
    private let state: Locked<State>

    init(bounds: ClosedRange<Int>) {
        let lower = max(1, bounds.lowerBound)
        self.bounds = lower...max(lower, bounds.upperBound)
        state = Locked(State(limit: lower))
    }

    /// The current limit.
    var limit: Int { state.withLock { $0.limit } }
    /// Handlers running now.
    var running: Int { state.withLock { $0.running } }
    /// Handlers waiting for a slot.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Waits for a slot; pair with ``leave()``.
    ///
    /// - Throws: `CancellationError` when cancelled while waiting.
    func enter() async throws {
        let id: UInt64? = state.withLock { state in
            if state.running < state.limit, state.waiters.isEmpty {
                state.running += 1
                return nil
            }
            state.nextId += 1
            return state.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return true }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index)
                }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back.
    func leave() {
        let next: Waiter? = state.withLock { state in
            state.running -= 1
            return Self.handOver(&state)
        }
        next?.continuation.resume()
    }

    /// Moves the limit by `delta` within the bounds.
    ///
    /// - Returns: The new limit.
    @discardableResult
    func adjust(by delta: Int) -> Int {
        let (limit, resumed) = state.withLock { state in
            state.limit = min(bounds.upperBound, max(bounds.lowerBound, state.limit + delta))
            var resumed: [Waiter] = []
            while let next = Self.handOver(&state) { resumed.append(next) }
            return (state.limit, resumed)
        }
        for waiter in resumed { waiter.continuation.resume() }
        return limit
    }

    private static func handOver(_ state: inout State) -> Waiter? {
        guard state.running < state.limit, !state.waiters.isEmpty else { return nil }
        state.running += 1
        return state.waiters.removeFirst()
    }
}
