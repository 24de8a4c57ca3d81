/// How a consumer's process holds its lease: who it is, how long a lease
/// lasts, how often it is renewed and how often a waiting process tries again.
///
/// The duration bounds how long a consumer stays unprocessed after its process
/// dies without releasing its lease (SIGKILL, a power cut): a waiting process
/// takes over within ``duration`` plus ``retryInterval``. Shorter means faster
/// take-over but more renewals and a greater risk of losing the lease during a
/// long pause (a stalled disk, a debugger).
///
/// ```swift
/// let runner = try ProjectionRunner(
///     store: store, projections: projections, leaseSettings: LeaseSettings(duration: .seconds(5)))
/// ```
public struct LeaseSettings: Hashable, Sendable {
    /// Who takes the leases (default: ``Lease/processOwner()``, new for each settings value).
    public var owner: String
    /// How long a lease holds unless renewed (default 15 s).
    public var duration: Duration

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - owner: The owner id, shown to operators.
    ///   - duration: How long a lease holds unless renewed; at least 10 ms.
    public init(owner: String = Lease.processOwner(), duration: Duration = .seconds(15)) {
        self.owner = owner
        self.duration = max(duration, .milliseconds(10))
    }

    /// How often a held lease is renewed: a third of the duration, so two renewals can fail before it expires.
    public var renewInterval: Duration { duration / 3 }

    /// How often a waiting process checks whether the lease is free: a third of
    /// the duration, at most a second.
    public var retryInterval: Duration { min(duration / 3, .seconds(1)) }
}
