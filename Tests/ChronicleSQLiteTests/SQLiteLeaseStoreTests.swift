import Chronicle
@testable import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Testing

@Suite("SQLiteLeaseStore")
struct SQLiteLeaseStoreTests {
    @Test(arguments: LeaseStoreConformance.checks)
    func conformance(_ check: LeaseStoreConformance.Check) async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("events.sqlite"), options: .init(durability: .normal))
        try await check.run(against: store.leases)
        try store.close()
    }

    @Test func twoConnectionsToOneFileSeeOneLease() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let one = try await SQLiteEventStore(path: path)
        let two = try await SQLiteEventStore(path: path)
        let lease = try #require(try await one.leases.acquire("orders", owner: "one", duration: .seconds(60)))
        #expect(try await two.leases.acquire("orders", owner: "two", duration: .seconds(60)) == nil)
        #expect(try await two.leases.holder(of: "orders") == lease)
        try await one.leases.release(lease)
        let taken = try #require(try await two.leases.acquire("orders", owner: "two", duration: .seconds(60)))
        #expect(taken.token == lease.token + 1)
        try one.close()
        try two.close()
    }

    @Test func leasesLiveInTheirOwnTableAndSurviveReopening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.schemaVersion() == Int(SQLiteSchema.currentVersion))
        let lease = try #require(try await store.leases.acquire("orders", owner: "one", duration: .seconds(60)))
        try store.close()
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.leases.holder(of: "orders") == lease)
        try reopened.close()
        let queue = try DatabaseQueue(path: path)
        let row = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT owner, token FROM chronicle_leases WHERE name = 'orders'")
        }
        #expect(row?[0] == "one")
        #expect(row?[1] == lease.token)
        try queue.close()
    }
}
