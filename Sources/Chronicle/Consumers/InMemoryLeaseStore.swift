public import Foundation

/// Leases kept in memory: for tests and in-memory event stores, where every
/// owner lives in one process.
///
/// Expiry is judged by the clock given to ``init(clock:)`` (the system clock by
/// default), the one clock of every owner that shares the store.
///
/// ```swift
/// let leases = InMemoryLeaseStore()
/// let lease = try await leases.acquire("mailer", owner: "worker-1", duration: .seconds(10))
/// ```
public final class InMemoryLeaseStore: LeaseStore {
    /// The last lease of each name, expired ones included (their tokens keep counting).
    private let entries = Locked<[String: Lease]>([:])
    private let clock: @Sendable () -> Date

    /// Creates an empty lease store.
    ///
    /// ```swift
    /// let leases = InMemoryLeaseStore()
    /// ```
    ///
    /// - Parameter clock: The time now, by which leases expire.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    public func acquire(_ name: String, owner: String, duration: Duration) async throws -> Lease? {
        try Self.validate(name: name, owner: owner, duration: duration)
        let now = clock()
        let expiry = now.addingTimeInterval(Self.seconds(duration))
        return entries.withLock { entries -> Lease? in
            let current = entries[name]
            if let current, current.expiresAt > now {
                guard current.owner == owner else { return nil }
                let extended = Lease(
                    name: name, owner: owner, token: current.token, acquiredAt: current.acquiredAt,
                    expiresAt: max(expiry, current.expiresAt))
                entries[name] = extended
                return extended
            }
            let lease = Lease(
                name: name, owner: owner, token: (current?.token ?? 0) + 1, acquiredAt: now, expiresAt: expiry)
            entries[name] = lease
            return lease
        }
    }

    public func renew(_ lease: Lease, duration: Duration) async throws -> Lease? {
        try Self.validate(name: lease.name, owner: lease.owner, duration: duration)
        let now = clock()
        let expiry = now.addingTimeInterval(Self.seconds(duration))
        return entries.withLock { entries -> Lease? in
            guard let current = entries[lease.name], current.owner == lease.owner,
                current.token == lease.token, current.expiresAt > now
            else { return nil }
            let renewed = Lease(
                name: lease.name, owner: lease.owner, token: lease.token, acquiredAt: current.acquiredAt,
                expiresAt: max(expiry, current.expiresAt))
            entries[lease.name] = renewed
            return renewed
        }
    }

    public func release(_ lease: Lease) async throws {
        let now = clock()
        entries.withLock { entries in
            guard let current = entries[lease.name], current.owner == lease.owner,
                current.token == lease.token, current.expiresAt > now
            else { return }
            // The entry stays, expired, so that the next holder's token is greater.
            entries[lease.name] = Lease(
                name: lease.name, owner: lease.owner, token: lease.token, acquiredAt: current.acquiredAt,
                expiresAt: now)
        }
    }

    public func holder(of name: String) async throws -> Lease? {
        let now = clock()
        return entries.withLock { entries in
            entries[name].flatMap { $0.expiresAt > now ? $0 : nil }
        }
    }

    public func leases() async throws -> [Lease] {
        let now = clock()
        return entries.withLock { entries in
            entries.values.filter { $0.expiresAt > now }.sorted { $0.name < $1.name }
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(microseconds(duration)) / 1_000_000
    }
}
