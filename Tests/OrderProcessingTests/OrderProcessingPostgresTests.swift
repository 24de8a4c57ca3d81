import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import Logging
import OrderDomain
import PostgresNIO
import PostgresTestSupport
import Testing

/// The read-model tables of a PostgreSQL database, each as its rows in JSON, sorted.
func readModelTables(in database: PostgresTestDatabase) async throws -> [String: [String]] {
    var tables: [String: [String]] = [:]
    try await database.withConnection { connection, logger in
        for table in ["order_summary", "sales_by_product", "sales_order_lines", "sales_paid_orders", "stock_levels"] {
            var rows: [String] = []
            // The names are ours; an identifier cannot be a bound parameter.
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t"), logger: logger
            ).decode(String.self) {
                rows.append(row)
            }
            tables[table] = rows.sorted()
        }
    }
    return tables
}

/// The sample on PostgreSQL (a database of its own per test on the server
/// `CHRONICLE_TEST_POSTGRES_URL` names): the same invariants as on SQLite.
@Suite("order-processing on PostgreSQL", .tags(.endToEnd))
struct OrderProcessingPostgresTests {
    /// The bus and the services log warnings and errors only.
    static var logger: Logger {
        var logger = Logger(label: "order-processing.tests")
        logger.logLevel = .warning
        return logger
    }

    @Test func sixtyOrdersWithAFlakyGatewayEndConsistentAndRebuiltReadModelsEqualTheLiveOnes() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            defer { store.close() }
            var settings = ServiceSettings()
            settings.paymentDeadline = .seconds(3)
            // Long leases: on a loaded machine a renewal may come late.
            settings.leaseDuration = .seconds(30)
            let shop = try ShopServices(
                store: store, gateway: FlakyPaymentGateway(failureRate: 0.2), settings: settings, logger: Self.logger)
            #expect(shop.storage is PostgresShopStorage)
            let result = try await ShopDemo(shop: shop, orders: 60).run()
            #expect(result.confirmed + result.cancelled == 60)
            #expect(result.confirmed > 0)

            let check = try await ShopInvariants.check(store: store)
            #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
            #expect(check.orders.count == 60)
            #expect(check.confirmed == result.confirmed)
            #expect(check.cancelled == result.cancelled)

            // The read models agree with the log: confirmed orders are the sales; nothing stays reserved.
            let query = OrderSummaryQuery(storage: shop.storage)
            let confirmed = try await query.orders(status: "confirmed", limit: 1_000)
            #expect(confirmed.count == result.confirmed)
            #expect(try await query.orders(status: nil, limit: 1_000).count == 60)
            let revenue = try await query.salesByProduct().reduce(0) { $0 + $1.revenueCents }
            #expect(revenue == confirmed.reduce(0) { $0 + $1.totalCents })
            #expect(revenue > 0)
            let totals = try await query.totalsByStatus()
            #expect(totals.reduce(0) { $0 + $1.orders } == 60)
            let stock = try await query.stockLevels()
            #expect(stock.count == Catalog.products.count)
            #expect(stock.allSatisfy { $0.reserved == 0 && $0.onHand >= 0 })
            let first = try #require(confirmed.first)
            #expect(try await query.order(first.orderId) == first)
            #expect(try await query.order("no-such-order") == nil)

            let live = try await readModelTables(in: database)
            #expect(live["order_summary"]?.count == 60)
            let runner = try shop.projectionRunner()
            for name in ["order-summary", "sales-by-product", "stock-levels"] { try await runner.rebuild(name) }
            #expect(try await readModelTables(in: database) == live)
        }
    }

    /// One process, as a user runs it: `demo --store postgres://…`, then the
    /// embedded `projections rebuild` on the same database.
    @Test func theDemoAndARebuildRunOnPostgreSQLThroughTheExecutable() async throws {
        try await withTestDatabase { database in
            let directory = try TemporaryDirectory()
            let demo = try await runOrderProcessing(
                [
                    "demo", "--orders", "30", "--failure-rate", "0.2", "--payment-deadline", "3", "--store", database.url,
                    "--json",
                ], in: directory)
            #expect(demo.status == 0, "\(demo.errors)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(demo.output.utf8)) as? [String: Any])
            #expect(report["orders"] as? Int == 30)
            let confirmed = try #require(report["confirmed"] as? Int)
            let cancelled = try #require(report["cancelled"] as? Int)
            #expect(confirmed + cancelled == 30)
            #expect(!FileManager.default.fileExists(atPath: directory.path("order-processing.sqlite")))
            #expect(!demo.output.contains(database.password ?? "no password"), "the password is masked")

            let store = try await database.openStore()
            let check = try await ShopInvariants.check(store: store)
            store.close()
            #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
            #expect(check.confirmed == confirmed)

            let live = try await readModelTables(in: database)
            let rebuild = try await runOrderProcessing(
                ["projections", "rebuild", "--all", "--yes"], in: directory,
                environment: ["CHRONICLE_STORE": database.url])
            #expect(rebuild.status == 0, "\(rebuild.errors)")
            for name in ["order-summary", "sales-by-product", "stock-levels"] {
                #expect(rebuild.output.contains("rebuilt \(name)"), "\(rebuild.output)")
            }
            #expect(try await readModelTables(in: database) == live)
        }
    }

    @Test func aWrongPasswordOrAMissingDatabaseIsOneLineAndExitCodeOne() async throws {
        let directory = try TemporaryDirectory()
        let server = try PostgresTestServer.endpoint
        var wrongPassword = server
        wrongPassword.password = "not-the-password"
        let missing = server.with(database: "order_processing_no_such_database")
        for endpoint in [wrongPassword, missing] {
            let orders = try await runOrderProcessing(["orders", "--store", endpoint.url], in: directory)
            #expect(orders.status == 1, "\(orders)")
            #expect(orders.errors.split(separator: "\n").count == 1, "\(orders.errors)")
            #expect(orders.errors.contains("PostgreSQL at postgres://"), "\(orders.errors)")
            #expect(!orders.errors.contains("not-the-password"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("order-processing.sqlite")))
    }
}
