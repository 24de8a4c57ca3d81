/// The bound of an exponential back-off: the first wait doubled after every
/// further failed attempt, never above a cap. ``FailurePolicy`` adds its jitter
/// on top of it; the aggregate repository draws its retry wait below it.
enum ExponentialBackoff {
    /// `initial` doubled `attempt - 1` times, at most `cap`, in seconds.
    ///
    /// - Parameters:
    ///   - initial: The wait after the first failed attempt.
    ///   - cap: The longest wait.
    ///   - attempt: Failed attempts so far (1 after the first).
    static func bound(initial: Duration, cap: Duration, afterAttempt attempt: Int) -> Double {
        var bound = min(initial.seconds, 1e9)
        let cap = cap.seconds
        for _ in 0..<min(max(0, attempt - 1), 60) where bound < cap { bound *= 2 }
        return min(bound, cap)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
