import ChronicleTesting
import Foundation
import GRDB
import Testing

extension Tag {
    /// Runs the whole sample end to end (slower than a unit test).
    @Tag static var endToEnd: Self
}

@Suite("order-processing demo, end to end", .tags(.endToEnd))
struct OrderProcessingDemoTests {
    @Test func twoHundredOrdersWithAFlakyGatewayEndConsistent() async throws {
        let directory = try TemporaryDirectory()
        let store = directory.path("shop.sqlite")
        let demo = try await runOrderProcessing(
            ["demo", "--orders", "200", "--failure-rate", "0.2", "--payment-deadline", "3", "--store", store, "--json"],
            in: directory)
        #expect(demo.status == 0, "\(demo.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(demo.output.utf8)) as? [String: Any])
        #expect(report["orders"] as? Int == 200)
        let confirmed = try #require(report["confirmed"] as? Int)
        let cancelled = try #require(report["cancelled"] as? Int)
        #expect(confirmed + cancelled == 200)
        #expect(cancelled > 0, "a 20% failure rate and a scarce gift box cancel some orders")
        #expect(confirmed > 0)

        let check = try await ShopInvariants.check(path: store)
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
        #expect(check.orders.count == 200)
        #expect(check.confirmed == confirmed)
        #expect(check.cancelled == cancelled)

        // The read models agree with the log: confirmed orders are the sales; nothing stays reserved.
        let live = try await readModelTables(at: store)
        #expect(live["order_summary"]?.count == 200)
        let queue = try DatabaseQueue(path: store)
        let (revenue, confirmedValue, reserved, negative) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(revenue_cents), 0) FROM sales_by_product") ?? -1,
                try Int.fetchOne(
                    db, sql: "SELECT coalesce(sum(total_cents), 0) FROM order_summary WHERE status = 'confirmed'") ?? -2,
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(reserved), 0) FROM stock_levels") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM stock_levels WHERE on_hand < 0") ?? -1
            )
        }
        try queue.close()
        #expect(revenue == confirmedValue)
        #expect(revenue > 0)
        #expect(reserved == 0)
        #expect(negative == 0)
        let rebuild = try await runOrderProcessing(["projections", "rebuild", "--all", "--yes", "--store", store], in: directory)
        #expect(rebuild.status == 0, "\(rebuild.errors)")
        for name in ["order-summary", "sales-by-product", "stock-levels"] {
            #expect(rebuild.output.contains("rebuilt \(name)"), "\(rebuild.output)")
        }
        #expect(try await readModelTables(at: store) == live)
    }
}
