/// Where a member's circuit breaker stands (see ``CircuitBreakerPolicy``).
public enum CircuitBreakerState: String, Hashable, Sendable {
    /// Handlers run; failures are counted.
    case closed
    /// Too many failures: no handler runs until the open duration has passed.
    case open
    /// One probe message runs; its outcome closes or reopens the breaker.
    case halfOpen = "half-open"
}
