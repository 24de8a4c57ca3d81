import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import OrderDomain
import ProcessTestSupport
import Testing

/// The sample as separate OS processes, one per service, on one store; the
/// saga is killed (SIGKILL) half-way and started again.
@Suite("order-processing services as separate processes", .tags(.endToEnd))
struct OrderProcessingProcessesTests {
    static let services = ["orders", "payments", "inventory", "notifications", "projections"]

    func serve(_ service: String, store: String, leaseSeconds: String = "30") throws -> RunningHelper {
        try RunningHelper(
            [
                "serve", "--service", service, "--store", store, "--failure-rate", "0.2", "--payment-deadline", "3",
                "--lease-seconds", leaseSeconds,
            ], executable: "order-processing")
    }

    /// Orders of the store notified so far (a count that only grows).
    func notified(_ store: SQLiteEventStore) async throws -> Int {
        try await store.read { db in
            guard try db.tableExists("sent_notifications") else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM sent_notifications") ?? 0
        }
    }

    /// Waits, as a hang detector, until `condition` holds.
    func wait(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("\(what): nothing for 120 s") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func ordersSettleConsistentlyWithTheSagaKilledHalfWay() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        let seeded = try await runOrderProcessing(["seed", "--orders", "30", "--store", path], in: directory)
        #expect(seeded.status == 0, "\(seeded.errors)")

        var running = try Self.services.map { try serve($0, store: path) }
        // The first saga's lease is short: its partitions come back soon after it is killed.
        var saga = try serve("saga", store: path, leaseSeconds: "5")
        defer {
            for helper in running + [saga] where helper.process.isRunning { helper.kill() }
        }
        let store = try await SQLiteEventStore(path: path)
        let shop = try ShopServices(store: store, gateway: FlakyPaymentGateway(failureRate: 0))
        func place(_ range: Range<Int>) async throws {
            for n in range {
                let sku = Catalog.products[n % Catalog.products.count].sku
                try await shop.ordering.place(
                    id: "mp-\(n)", customer: "c\(n)", items: [(sku: sku, quantity: 1 + n % 2), (sku: "HONEY", quantity: 1)])
            }
        }
        try await place(0..<15)
        try await wait("first orders notified") { try await notified(store) >= 5 }
        saga.kill()
        #expect(await saga.wait() == SIGKILL)
        try await place(15..<30)
        saga = try serve("saga", store: path)
        try await wait("all 30 orders notified") { try await notified(store) == 30 }
        try await wait("every group caught up") {
            let head = try await store.headPosition()
            for group in ShopServices.groupNames {
                guard let status = try await shop.bus.status(group: group), status.lag == 0 else { return false }
            }
            return try await store.headPosition() == head
        }
        // `orders` while `serve --service projections` holds the read models' leases: it reads them as they are.
        let listed = try await runOrderProcessing(["orders", "--store", path, "--json", "--limit", "100"], in: directory)
        #expect(listed.status == 0, "\(listed.errors)")
        running.append(saga)
        for helper in running { helper.signal(SIGTERM) }
        for helper in running {
            let status = await helper.wait()
            #expect(status == 0, "\(helper.standardError.suffix(2_000))")
        }
        running = []
        try store.close()

        let check = try await ShopInvariants.check(path: path)
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
        #expect(check.orders.count == 30)
        #expect(check.confirmed + check.cancelled == 30)

        let live = try await readModelTables(at: path)
        let rebuild = try await runOrderProcessing(["projections", "rebuild", "--all", "--yes", "--store", path], in: directory)
        #expect(rebuild.status == 0, "\(rebuild.errors)")
        #expect(try await readModelTables(at: path) == live)
    }
}
