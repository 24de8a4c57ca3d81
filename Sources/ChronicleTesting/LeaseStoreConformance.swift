public import Chronicle
internal import Foundation

/// The contract of ``LeaseStore`` as executable checks, run against every
/// lease store (the in-memory one and SQLite's; any backend added later) so
/// that they behave the same.
///
/// Each check needs a fresh lease store with no leases. The expiry checks use
/// leases of a few hundred milliseconds and wait (up to 10 s) for the store to
/// let another owner in, so they judge the store's clock, not the test's.
///
/// ```swift
/// @Test(arguments: LeaseStoreConformance.checks)
/// func sqliteLeases(_ check: LeaseStoreConformance.Check) async throws {
///     let store = try await SQLiteEventStore(path: temporaryPath())
///     try await check.run(against: store.leases)
/// }
/// ```
public enum LeaseStoreConformance {
    /// One named rule of the ``LeaseStore`` contract, runnable against any lease store.
    public struct Check: Sendable, CustomStringConvertible {
        /// What the rule is.
        public let name: String
        let body: @Sendable (any LeaseStore) async throws -> Void

        init(_ name: String, body: @escaping @Sendable (any LeaseStore) async throws -> Void) {
            self.name = name
            self.body = body
        }

        public var description: String { name }

        /// Runs the check against a lease store that holds no leases.
        ///
        /// ```swift
        /// try await check.run(against: InMemoryLeaseStore())
        /// ```
        ///
        /// - Parameter leases: A fresh lease store.
        /// - Throws: ``ConformanceFailure`` when the store breaks the rule, or the
        ///   store's own error when it fails unexpectedly.
        public func run(against leases: some LeaseStore) async throws {
            try await body(leases)
        }
    }

    /// Every check.
    public static var checks: [Check] {
        [
            Check("a free lease is acquired (token at least 1) and shows as its holder") { leases in
                let lease = try await acquire(leases, "orders", "a")
                try Expect.equal(lease.name, "orders", "the lease's name")
                try Expect.equal(lease.owner, "a", "the lease's owner")
                try Expect.that(lease.token >= 1, "a token of at least 1, got \(lease.token)")
                try Expect.that(lease.expiresAt > lease.acquiredAt, "it expires after it was acquired")
                let expected = lease.expiresAt.timeIntervalSince(lease.acquiredAt)
                try Expect.that(abs(expected - 60) < 0.01, "it lasts the duration asked for (60 s), got \(expected)")
                try Expect.equal(try await leases.holder(of: "orders"), lease, "holder(of:)")
                try Expect.equal(try await leases.leases(), [lease], "leases()")
                try Expect.equal(try await leases.holder(of: "other"), nil, "holder of a name never leased")
            },
            Check("another owner cannot acquire an unexpired lease") { leases in
                let lease = try await acquire(leases, "orders", "a")
                let refused = try await leases.acquire("orders", owner: "b", duration: .seconds(60))
                try Expect.equal(refused, nil, "b's acquire while a holds the lease")
                try Expect.equal(try await leases.holder(of: "orders"), lease, "a still holds it, unchanged")
            },
            Check("re-acquiring one's own lease extends it and keeps its token") { leases in
                let first = try await acquire(leases, "orders", "a", .seconds(30))
                let again = try await acquire(leases, "orders", "a", .seconds(60))
                try Expect.equal(again.token, first.token, "the token of a re-acquired lease")
                try Expect.equal(again.acquiredAt, first.acquiredAt, "acquiredAt of a re-acquired lease")
                try Expect.that(again.expiresAt > first.expiresAt, "a re-acquired lease expires later")
            },
            Check("renew extends the lease with the same token") { leases in
                let lease = try await acquire(leases, "orders", "a", .seconds(30))
                let renewed = try await leases.renew(lease, duration: .seconds(60))
                try Expect.that(renewed != nil, "the owner's renewal succeeds")
                try Expect.equal(renewed?.token, lease.token, "the token after a renewal")
                try Expect.that((renewed?.expiresAt ?? .distantPast) > lease.expiresAt, "a renewed lease expires later")
                try Expect.equal(try await leases.holder(of: "orders"), renewed, "the holder after a renewal")
            },
            Check("leases of different names are independent") { leases in
                let orders = try await acquire(leases, "orders", "a")
                let mails = try await acquire(leases, "mails", "b")
                try Expect.equal(try await leases.leases(), [mails, orders], "leases() sorted by name")
            },
            Check("an expired lease is taken over with a greater token; the old owner's renew and release do nothing") {
                leases in
                let old = try await acquire(leases, "orders", "a", .milliseconds(300))
                let taken = try await acquireWhenFree(leases, "orders", "b")
                try Expect.that(taken.token > old.token, "the new token \(taken.token) exceeds the old \(old.token)")
                try Expect.that(
                    taken.acquiredAt >= old.expiresAt,
                    "taken over no earlier than the old lease expired, by the store's clock "
                        + "(\(taken.acquiredAt) vs \(old.expiresAt))")
                try Expect.equal(try await leases.renew(old, duration: .seconds(60)), nil, "the old owner's renewal")
                try await leases.release(old)
                try Expect.equal(try await leases.holder(of: "orders"), taken, "the new owner still holds it after a stale release")
                let refused = try await leases.acquire("orders", owner: "a", duration: .seconds(60))
                try Expect.equal(refused, nil, "the old owner cannot take it back")
            },
            Check("an expired lease cannot be renewed even when nobody took it") { leases in
                let lease = try await acquire(leases, "orders", "a", .milliseconds(200))
                try await waitUntilFree(leases, "orders")
                try Expect.equal(try await leases.renew(lease, duration: .seconds(60)), nil, "renewal after expiry")
                let again = try await acquire(leases, "orders", "a")
                try Expect.that(again.token > lease.token, "a new tenure of the same owner gets a greater token")
            },
            Check("release frees the lease at once; the next owner gets a greater token") { leases in
                let lease = try await acquire(leases, "orders", "a")
                try await leases.release(lease)
                try Expect.equal(try await leases.holder(of: "orders"), nil, "the holder after a release")
                try Expect.equal(try await leases.leases(), [], "leases() after a release")
                try Expect.equal(try await leases.renew(lease, duration: .seconds(60)), nil, "renewal after a release")
                let next = try await acquire(leases, "orders", "b")
                try Expect.that(next.token > lease.token, "the token after a release grows: \(next.token) > \(lease.token)")
            },
            Check("a release with a stale token or by another owner does nothing") { leases in
                let first = try await acquire(leases, "orders", "a")
                try await leases.release(first)
                let second = try await acquire(leases, "orders", "a")
                try await leases.release(first)
                try Expect.equal(try await leases.holder(of: "orders"), second, "the holder after a stale-token release")
                let forged = Lease(
                    name: "orders", owner: "b", token: second.token, acquiredAt: second.acquiredAt,
                    expiresAt: second.expiresAt)
                try await leases.release(forged)
                try Expect.equal(try await leases.holder(of: "orders"), second, "the holder after another owner's release")
            },
            Check("of many owners racing for a free lease, exactly one gets it") { leases in
                let winners = try await withThrowingTaskGroup(of: Lease?.self) { group in
                    for owner in 0..<8 {
                        group.addTask { try await leases.acquire("orders", owner: "owner-\(owner)", duration: .seconds(60)) }
                    }
                    var winners: [Lease] = []
                    for try await lease in group { if let lease { winners.append(lease) } }
                    return winners
                }
                try Expect.equal(winners.count, 1, "owners that acquired the lease")
                try Expect.equal(try await leases.holder(of: "orders"), winners.first, "the holder is the winner")
            },
            Check("an empty name or owner, or a duration that is not positive, is invalidArgument and changes nothing") {
                leases in
                let lease = try await acquire(leases, "orders", "a")
                try await Expect.error(.invalidArgument, "an empty name") {
                    try await leases.acquire("", owner: "a", duration: .seconds(1))
                }
                try await Expect.error(.invalidArgument, "an empty owner") {
                    try await leases.acquire("orders", owner: "", duration: .seconds(1))
                }
                try await Expect.error(.invalidArgument, "a zero duration") {
                    try await leases.acquire("orders", owner: "a", duration: .zero)
                }
                try await Expect.error(.invalidArgument, "a negative renewal") {
                    try await leases.renew(lease, duration: .seconds(-1))
                }
                try Expect.equal(try await leases.leases(), [lease], "the leases after refused calls")
            },
        ]
    }

    static func acquire(
        _ leases: some LeaseStore, _ name: String, _ owner: String, _ duration: Duration = .seconds(60),
        file: String = #fileID, line: Int = #line
    ) async throws -> Lease {
        guard let lease = try await leases.acquire(name, owner: owner, duration: duration) else {
            throw ConformanceFailure(message: "\(owner) could not acquire the free lease '\(name)'", file: file, line: line)
        }
        return lease
    }

    /// Tries to acquire until the store lets `owner` in (at most 10 s).
    static func acquireWhenFree(
        _ leases: some LeaseStore, _ name: String, _ owner: String, file: String = #fileID, line: Int = #line
    ) async throws -> Lease {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let lease = try await leases.acquire(name, owner: owner, duration: .seconds(60)) { return lease }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ConformanceFailure(message: "the lease '\(name)' did not expire within 10 s", file: file, line: line)
    }

    /// Waits until nobody holds the lease (at most 10 s).
    static func waitUntilFree(
        _ leases: some LeaseStore, _ name: String, file: String = #fileID, line: Int = #line
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await leases.holder(of: name) == nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ConformanceFailure(message: "the lease '\(name)' did not expire within 10 s", file: file, line: line)
    }
}
