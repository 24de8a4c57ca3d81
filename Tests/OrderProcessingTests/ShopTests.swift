import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import OrderDomain
import Testing

@Suite("Order-processing shop on SQLite")
struct ShopTests {
    @Test func anOrderOutOfStockIsCancelledAndReleasesWhatItReserved() async throws {
        let directory = try TemporaryDirectory()
        let shop = try await Shop.open(path: directory.path("shop.sqlite"))
        try await shop.receiveStock(sku: "TEA-GREEN", quantity: 10)
        try await shop.receiveStock(sku: "GIFT-BOX", quantity: 1)
        let (id, accepted) = try await shop.placeOrder(
            customer: "ada", items: [(sku: "TEA-GREEN", quantity: 4), (sku: "GIFT-BOX", quantity: 2)])
        #expect(!accepted)
        let order = try await shop.orders.load(id)
        #expect(order.state.status == .cancelled)
        #expect(order.state.cancelReason == "only 1 of GIFT-BOX available, 2 requested")
        #expect(try await shop.stock.load("TEA-GREEN").state.available == 10, "the tea reservation was released")
        #expect(try await shop.stock.load("GIFT-BOX").state.available == 1)
    }

    @Test func anOrderForAProductNeverStockedIsCancelled() async throws {
        let directory = try TemporaryDirectory()
        let shop = try await Shop.open(path: directory.path("shop.sqlite"))
        let (id, accepted) = try await shop.placeOrder(customer: "bob", items: [(sku: "KETTLE", quantity: 1)])
        #expect(!accepted)
        let order = try await shop.orders.load(id)
        #expect(order.state.status == .cancelled)
        #expect(order.state.cancelReason == "only 0 of KETTLE available, 1 requested")
        #expect(try await shop.stock.loadOrInitial("KETTLE").version == 0, "no stock stream was created")
    }

    @Test func concurrentOrdersNeverOversellStock() async throws {
        let directory = try TemporaryDirectory()
        let shop = try await Shop.open(path: directory.path("shop.sqlite"))
        try await shop.receiveStock(sku: "POT-CLAY", quantity: 25)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<40 {
                group.addTask { try await shop.placeOrder(customer: "c\(n)", items: [(sku: "POT-CLAY", quantity: 1)]).accepted }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 25)
        let pot = try await shop.stock.load("POT-CLAY").state
        #expect(pot.reserved == 25)
        #expect(pot.available == 0)
    }

    @Test func readModelsAgreeWithTheAggregates() async throws {
        let directory = try TemporaryDirectory()
        let shop = try await Shop.open(path: directory.path("shop.sqlite"))
        for product in Catalog.products { try await shop.receiveStock(sku: product.sku, quantity: 100) }
        var ids: [String] = []
        for n in 0..<12 {
            let items = [(sku: Catalog.products[n % 10].sku, quantity: n % 3 + 1)]
            let (id, _) = try await shop.placeOrder(customer: "c\(n)", items: items)
            ids.append(id)
            if n % 2 == 0 { try await shop.pay(id) }
            if n % 4 == 0 { try await shop.confirm(id) }
            if n % 8 == 0 { try await shop.ship(id) }
            if n % 6 == 5 { try await shop.cancel(id, reason: "test") }
        }
        // A paid order cancelled later is taken back out of the sales.
        try await shop.cancel(ids[2], reason: "refund")
        // A long lease: on a loaded machine a renewal may come late.
        try await ProjectionRunner(
            store: shop.store, projections: shop.projections, leaseSettings: LeaseSettings(duration: .seconds(30))
        ).catchUp()
        let rows = try await OrderSummaryQuery(store: shop.store).orders(status: nil, limit: 100)
        #expect(rows.count == 12)
        for row in rows {
            let order = try await shop.orders.load(row.orderId).state
            #expect(row.status == order.status.rawValue)
            #expect(row.totalCents == order.totalCents)
            #expect(row.itemCount == order.lines.reduce(0) { $0 + $1.quantity })
        }
        var expected: [String: (units: Int, revenue: Int)] = [:]
        for id in ids {
            let order = try await shop.orders.load(id).state
            guard order.paidCents > 0, order.status != .cancelled else { continue }
            for line in order.lines {
                expected[line.sku, default: (0, 0)].units += line.quantity
                expected[line.sku, default: (0, 0)].revenue += line.totalCents
            }
        }
        let sales = try await OrderSummaryQuery(store: shop.store).salesByProduct()
        for row in sales {
            #expect(row.unitsSold == expected[row.sku]?.units ?? 0, "\(row.sku)")
            #expect(row.revenueCents == expected[row.sku]?.revenue ?? 0, "\(row.sku)")
        }
        #expect(Set(sales.filter { $0.unitsSold > 0 }.map(\.sku)) == Set(expected.keys))
    }
}
