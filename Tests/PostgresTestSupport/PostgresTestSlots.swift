internal import Chronicle

/// Bounds how many test databases exist at once.
///
/// Swift Testing starts every test case of the suites at once; each PostgreSQL
/// test opens a store whose pool takes connections, so without a bound a run
/// asks the server for more connections than it allows (`too many clients`).
/// ``PostgresTestDatabase/create()`` takes a slot and ``PostgresTestDatabase/drop()``
/// gives it back (once, however often it is called).
public final class PostgresTestSlots: Sendable {
    public static let shared = PostgresTestSlots(count: 12)

    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Locked<State>

    public init(count: Int) {
        state = Locked(State(free: count))
    }

    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// One database's slot, given back once.
public final class PostgresTestSlot: Sendable {
    private let held = Locked(true)

    /// A slot; ``PostgresTestDatabase/create()`` takes one from ``PostgresTestSlots`` first.
    public init() {}

    public func release() {
        let wasHeld = held.withLock { held -> Bool in
            defer { held = false }
            return held
        }
        if wasHeld { PostgresTestSlots.shared.release() }
    }
}
