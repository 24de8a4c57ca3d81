import Chronicle
import ChronicleTesting
import Foundation
import Testing

@Suite("InMemoryLeaseStore conformance")
struct InMemoryLeaseStoreTests {
    @Test(arguments: LeaseStoreConformance.checks)
    func conformance(_ check: LeaseStoreConformance.Check) async throws {
        try await check.run(against: InMemoryLeaseStore())
    }

    @Test func theSuiteNamesEachCheckOnce() {
        #expect(LeaseStoreConformance.checks.count >= 10)
        #expect(Set(LeaseStoreConformance.checks.map(\.name)).count == LeaseStoreConformance.checks.count)
    }

    @Test func expiryIsJudgedByTheStoresClock() async throws {
        let now = Locked(Date(timeIntervalSince1970: 1_000))
        let leases = InMemoryLeaseStore(clock: { now.withLock { $0 } })
        let lease = try #require(try await leases.acquire("orders", owner: "a", duration: .seconds(10)))
        #expect(lease.expiresAt == Date(timeIntervalSince1970: 1_010))
        now.withLock { $0 = Date(timeIntervalSince1970: 1_009.999) }
        #expect(try await leases.acquire("orders", owner: "b", duration: .seconds(10)) == nil)
        now.withLock { $0 = Date(timeIntervalSince1970: 1_010) }
        let taken = try #require(try await leases.acquire("orders", owner: "b", duration: .seconds(10)))
        #expect(taken.token == lease.token + 1)
        #expect(taken.acquiredAt == Date(timeIntervalSince1970: 1_010))
    }

    @Test func theDefaultOwnerNamesTheProcessAndDiffersPerCall() {
        let owner = Lease.processOwner()
        let parts = owner.split(separator: ":")
        #expect(parts.count == 3, "host:pid:suffix, got \(owner)")
        #expect(parts.count == 3 && parts[1] == "\(ProcessInfo.processInfo.processIdentifier)")
        #expect(Lease.processOwner() != owner)
    }
}
