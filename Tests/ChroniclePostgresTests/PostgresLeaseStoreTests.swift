import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("PostgresLeaseStore")
struct PostgresLeaseStoreTests {
    @Test(arguments: LeaseStoreConformance.checks)
    func conformance(_ check: LeaseStoreConformance.Check) async throws {
        try await withPostgresStore { store, _ in try await check.run(against: store.leases) }
    }

    /// Two stores with a pool each, as two app servers would have, on one database.
    @Test func twoPoolsOnOneDatabaseSeeOneHolderAtATime() async throws {
        try await withPostgresStore { one, database in
            let two = try await database.openStore()
            defer { two.close() }
            let lease = try #require(try await one.leases.acquire("orders", owner: "one", duration: .seconds(60)))
            #expect(try await two.leases.acquire("orders", owner: "two", duration: .seconds(60)) == nil)
            #expect(try await two.leases.holder(of: "orders") == lease)
            #expect(try await two.leases.renew(
                Lease(name: "orders", owner: "two", token: lease.token, acquiredAt: lease.acquiredAt,
                      expiresAt: lease.expiresAt), duration: .seconds(60)) == nil)
            try await one.leases.release(lease)
            let taken = try #require(try await two.leases.acquire("orders", owner: "two", duration: .seconds(60)))
            #expect(taken.token == lease.token + 1)
            #expect(try await one.leases.holder(of: "orders") == taken)

            // Both servers race for a free lease, eight owners each: exactly one wins.
            let winners = try await withThrowingTaskGroup(of: Lease?.self) { group in
                for index in 0..<16 {
                    let leases = index.isMultiple(of: 2) ? one.leases : two.leases
                    group.addTask { try await leases.acquire("mailer", owner: "owner-\(index)", duration: .seconds(60)) }
                }
                var winners: [Lease] = []
                for try await lease in group { if let lease { winners.append(lease) } }
                return winners
            }
            #expect(winners.count == 1)
            #expect(try await one.leases.holder(of: "mailer") == winners.first)
            #expect(try await two.leases.holder(of: "mailer") == winners.first)
        }
    }

    /// A lease taken for 1 s is held while the server's clock is before its
    /// expiry and free once the server's clock has passed it: the test waits on
    /// the server (`pg_sleep` until `chronicle_now()` passes the expiry).
    @Test func aLeaseExpiresWhenTheServersClockPassesItsExpiry() async throws {
        try await withPostgresStore { store, database in
            // 5 s: the checks before the expiry below must fit in it on a loaded machine (1 s did not once).
            let lease = try #require(try await store.leases.acquire("orders", owner: "a", duration: .seconds(5)))
            #expect(abs(lease.duration - 5) < 0.001)
            let expiry = Self.microseconds(lease.expiresAt)
            try await database.withConnection { connection in
                let logger = PostgresTestServer.logger
                let before = try await Self.serverNow(connection, logger)
                // acquiredAt is the server's time: between two readings of its clock.
                #expect(Self.microseconds(lease.acquiredAt) <= before)
                if before < expiry {
                    #expect(try await store.leases.holder(of: "orders") == lease)
                    #expect(try await store.leases.acquire("orders", owner: "b", duration: .seconds(60)) == nil)
                }
                // Sleep on the server until its clock has passed the expiry.
                while try await Self.serverNow(connection, logger) <= expiry {
                    try await connection.query(
                        "SELECT pg_sleep(greatest(0.001, (\(expiry) - chronicle_now()) / 1000000.0))", logger: logger)
                }
            }
            #expect(try await store.leases.holder(of: "orders") == nil)
            #expect(try await store.leases.renew(lease, duration: .seconds(60)) == nil)
            let taken = try #require(try await store.leases.acquire("orders", owner: "b", duration: .seconds(60)))
            #expect(taken.token == lease.token + 1)
            #expect(taken.acquiredAt >= lease.expiresAt)
        }
    }

    /// The store follows the server's clock and ignores the app's: with the
    /// server's clock moved (the test database's `chronicle_now()` replaced by
    /// one two minutes off), a lease that the app's clock calls live is free,
    /// and one that the app's clock calls expired is still held.
    @Test func leaseExpiryFollowsTheServersClockNotTheApps() async throws {
        try await withPostgresStore { store, database in
            let lease = try #require(try await store.leases.acquire("orders", owner: "a", duration: .seconds(60)))
            try await Self.setServerClock(offsetSeconds: 120, database)
            #expect(lease.expiresAt > Date(), "the app's clock calls the lease live")
            #expect(try await store.leases.holder(of: "orders") == nil)
            #expect(try await store.leases.renew(lease, duration: .seconds(60)) == nil)
            let taken = try #require(try await store.leases.acquire("orders", owner: "b", duration: .seconds(60)))
            #expect(taken.token == lease.token + 1)
            #expect(taken.acquiredAt > Date().addingTimeInterval(100), "acquiredAt is the server's time")

            try await Self.setServerClock(offsetSeconds: -120, database)
            let behind = try #require(try await store.leases.acquire("mails", owner: "a", duration: .seconds(1)))
            #expect(behind.expiresAt < Date(), "the app's clock calls the lease expired")
            #expect(try await store.leases.holder(of: "mails") == behind)
            #expect(try await store.leases.acquire("mails", owner: "b", duration: .seconds(60)) == nil)
            #expect(try await store.leases.leases().map(\.name) == ["mails", "orders"])
        }
    }

    /// Replaces the test database's clock function with the server's clock moved by `offsetSeconds`.
    private static func setServerClock(offsetSeconds: Int, _ database: PostgresTestDatabase) async throws {
        try await database.withConnection { connection in
                let logger = PostgresTestServer.logger
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE OR REPLACE FUNCTION chronicle_now() RETURNS bigint LANGUAGE sql VOLATILE AS $$
                            SELECT (extract(epoch FROM clock_timestamp() + interval '\(offsetSeconds) seconds')
                                * 1000000)::bigint
                        $$
                        """), logger: logger)
        }
    }

    private static func serverNow(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        var now: Int64 = 0
        for try await value in try await connection.query("SELECT chronicle_now()", logger: logger).decode(Int64.self) {
            now = value
        }
        return now
    }

    private static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
}
