/// A member's circuit breaker, shared by its partitions (see ``CircuitBreakerPolicy``).
///
/// Before each handler call a partition asks ``admit()``: closed, it passes at
/// once; open, it waits (the message waits, no attempt is spent) until the open
/// duration has passed; half-open, exactly one caller passes as the probe and the
/// others wait for its outcome. Waits are `Task.sleep`s: no thread is parked.
final class CircuitBreaker: Sendable {
    /// A pass to run one handler call.
    struct Permit: Sendable {
        /// Whether this call is the half-open probe.
        let isProbe: Bool
    }

    private enum Decision {
        case pass
        case probe
        case wait(Duration)
    }

    private struct State {
        var state: CircuitBreakerState = .closed
        var failures: [ContinuousClock.Instant] = []
        var openUntil: ContinuousClock.Instant = .now
        var probeInFlight = false
        var opened = 0
    }

    let policy: CircuitBreakerPolicy?
    private let state = Locked(State())

    init(policy: CircuitBreakerPolicy?) {
        self.policy = policy
    }

    /// The breaker's state now.
    var current: CircuitBreakerState {
        state.withLock { state in
            if state.state == .open, ContinuousClock.now >= state.openUntil { return .halfOpen }
            return state.state
        }
    }

    /// How many times it opened.
    var openedCount: Int { state.withLock { $0.opened } }

    /// Waits until a handler may run.
    ///
    /// - Returns: The permit; report its outcome with ``succeeded(_:)`` or ``failed(_:)``.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func admit() async throws -> Permit {
        guard let policy else { return Permit(isProbe: false) }
        while true {
            let decision: Decision = state.withLock { state in
                let now = ContinuousClock.now
                switch state.state {
                case .closed:
                    return .pass
                case .open:
                    if now < state.openUntil { return .wait(state.openUntil - now) }
                    state.state = .halfOpen
                    state.probeInFlight = false
                    fallthrough
                case .halfOpen:
                    if state.probeInFlight { return .wait(min(policy.openDuration, .milliseconds(10))) }
                    state.probeInFlight = true
                    return .probe
                }
            }
            switch decision {
            case .pass: return Permit(isProbe: false)
            case .probe: return Permit(isProbe: true)
            case .wait(let pause): try await Task.sleep(for: pause)
            }
        }
    }

    /// Gives a permit back unused (the caller stopped before calling the handler).
    func abandoned(_ permit: Permit) {
        guard permit.isProbe else { return }
        state.withLock { $0.probeInFlight = false }
    }

    /// Reports a handler call that succeeded.
    func succeeded(_ permit: Permit) {
        guard policy != nil else { return }
        state.withLock { state in
            if permit.isProbe || state.state == .halfOpen {
                state.state = .closed
                state.probeInFlight = false
                state.failures = []
            }
        }
    }

    /// Reports a handler call that failed.
    ///
    /// - Returns: Whether this failure opened the breaker.
    @discardableResult
    func failed(_ permit: Permit) -> Bool {
        guard let policy else { return false }
        return state.withLock { state in
            let now = ContinuousClock.now
            if permit.isProbe {
                state.state = .open
                state.openUntil = now + policy.openDuration
                state.probeInFlight = false
                state.opened += 1
                return true
            }
            guard state.state == .closed else { return false }
            state.failures.removeAll { now - $0 > policy.window }
            state.failures.append(now)
            if state.failures.count >= policy.failureThreshold {
                state.state = .open
                state.openUntil = now + policy.openDuration
                state.failures = []
                state.opened += 1
                return true
            }
            return false
        }
    }
}
