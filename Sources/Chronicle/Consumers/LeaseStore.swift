/// Where consumers keep their leases: which process runs each one, until when.
///
/// A consumer (a projection, later a partition of a bus consumer group) runs in
/// at most one process at a time. Before it runs, its process acquires the
/// consumer's lease; while it runs, it renews the lease (``ProjectionRunner``
/// does so every third of the duration); on graceful shutdown it releases it.
/// When the owner dies (SIGKILL, a power cut), its lease expires and a waiting
/// process takes it over, with a greater fencing token.
///
/// ```swift
/// let leases = store.leases
/// let owner = Lease.processOwner()
/// guard var lease = try await leases.acquire("mailer", owner: owner, duration: .seconds(15)) else {
///     print("running elsewhere: \(try await leases.holder(of: "mailer")?.owner ?? "?")")
///     return
/// }
/// // ... work, renewing before it expires:
/// guard let renewed = try await leases.renew(lease, duration: .seconds(15)) else { return }   // lost
/// lease = renewed
/// try await leases.release(lease)
/// ```
///
/// ## Implementation requirements
/// - **One clock.** Every expiry is judged by one clock that all processes
///   share: the database's notion of now, read inside the write transaction that
///   acquires, renews or releases (SQLite: the machine's wall clock, as all its
///   processes share the file on one machine; a server database: the server's
///   clock, never the client's). ``Lease/acquiredAt`` and ``Lease/expiresAt``
///   are times of that clock.
/// - ``acquire(_:owner:duration:)`` returns `nil` while another owner holds an
///   unexpired lease. When the caller's own lease is unexpired, it extends it
///   (same token, same `acquiredAt`). Otherwise (no lease, expired, released) it
///   starts a new tenure whose token is greater than every token the name had.
///   It is atomic: of two owners racing for a free lease, exactly one gets it.
/// - ``renew(_:duration:)`` extends the lease to now + `duration` when the
///   store's current lease of that name has the same owner and token and has not
///   expired; otherwise (expired, taken, released) it returns `nil` and changes
///   nothing. An expired lease is lost even when nobody took it yet.
/// - ``release(_:)`` ends the lease at once when the owner and token match the
///   current, unexpired lease; otherwise (a stale token, another holder) it does
///   nothing. Tokens keep increasing after a release.
/// - ``holder(of:)`` is the unexpired lease of a name, or `nil`; ``leases()``
///   lists every unexpired lease, sorted by name.
/// - An empty name or owner, or a duration that is not positive, throws
///   ``EventStoreError/Code/invalidArgument`` and changes nothing.
/// - The suite in `ChronicleTesting` (`LeaseStoreConformance.checks`) checks these
///   rules; run it against every implementation.
public protocol LeaseStore: Sendable {
    /// Takes the lease of a consumer, or extends the caller's own.
    ///
    /// ```swift
    /// let lease = try await leases.acquire("order-summary", owner: owner, duration: .seconds(15))
    /// ```
    ///
    /// - Parameters:
    ///   - name: The consumer's name.
    ///   - owner: Who takes it (see ``Lease/processOwner()``).
    ///   - duration: How long it holds unless renewed.
    /// - Returns: The lease, or `nil` when another owner holds an unexpired one.
    /// - Throws: ``EventStoreError`` (`invalidArgument` for an empty name or owner
    ///   or a duration that is not positive; a storage error).
    func acquire(_ name: String, owner: String, duration: Duration) async throws -> Lease?

    /// Extends a lease the caller holds.
    ///
    /// ```swift
    /// guard let renewed = try await leases.renew(lease, duration: .seconds(15)) else { stopWorking() }
    /// ```
    ///
    /// - Parameters:
    ///   - lease: The lease as last acquired or renewed.
    ///   - duration: How long it holds from now.
    /// - Returns: The extended lease, or `nil` when it is lost (expired, taken or released).
    /// - Throws: ``EventStoreError`` (`invalidArgument`, or a storage error).
    func renew(_ lease: Lease, duration: Duration) async throws -> Lease?

    /// Gives a lease up at once, so another owner can take it without waiting for it to expire.
    ///
    /// ```swift
    /// try await leases.release(lease)
    /// ```
    ///
    /// - Parameter lease: The lease; nothing happens when it is no longer the current one.
    /// - Throws: ``EventStoreError`` on a storage error.
    func release(_ lease: Lease) async throws

    /// The unexpired lease of a consumer.
    ///
    /// ```swift
    /// if let holder = try await leases.holder(of: "order-summary") { print(holder.owner, holder.expiresAt) }
    /// ```
    ///
    /// - Parameter name: The consumer's name.
    /// - Returns: Its lease, or `nil` when nobody holds it.
    /// - Throws: ``EventStoreError`` on a storage error.
    func holder(of name: String) async throws -> Lease?

    /// Every unexpired lease, sorted by name: who runs what, for operators.
    ///
    /// ```swift
    /// for lease in try await leases.leases() { print(lease) }
    /// ```
    ///
    /// - Returns: The leases.
    /// - Throws: ``EventStoreError`` on a storage error.
    func leases() async throws -> [Lease]
}

extension LeaseStore {
    /// Checks the arguments every implementation refuses alike.
    ///
    /// - Throws: ``EventStoreError/Code/invalidArgument``.
    package static func validate(name: String, owner: String, duration: Duration) throws {
        if name.isEmpty { throw EventStoreError.invalidArgument("a lease needs a non-empty name") }
        if owner.isEmpty { throw EventStoreError.invalidArgument("a lease needs a non-empty owner") }
        if duration <= .zero {
            throw EventStoreError.invalidArgument("a lease duration must be positive, got \(duration)")
        }
    }

    /// A duration in whole microseconds, the unit lease times are kept in.
    package static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
