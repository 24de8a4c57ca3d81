import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import OrderDomain
import Testing

/// Counts the gateway's calls and answers as told.
final class CountingGateway: PaymentGateway {
    let calls = Locked<[String]>([])
    let decision: PaymentGatewayDecision

    init(_ decision: PaymentGatewayDecision) { self.decision = decision }

    func authorize(orderId: String, amountCents: Int) async throws -> PaymentGatewayDecision {
        calls.withLock { $0.append("authorize \(orderId)") }
        return decision
    }

    func capture(orderId: String, amountCents: Int) async throws { calls.withLock { $0.append("capture \(orderId)") } }
    func refund(orderId: String, amountCents: Int) async throws { calls.withLock { $0.append("refund \(orderId)") } }
}

/// Each service handles a message delivered twice (a crash before its checkpoint) as once.
@Suite("Order-processing services under redelivery")
struct ServiceRedeliveryTests {
    /// Publishes `command` to `topic` for order `orderId` and returns it as a delivered message.
    func message(
        _ command: some DomainEvent, to topic: Topic, orderId: String, shop: ShopServices
    ) async throws -> ReceivedMessage {
        let receipt = try await shop.bus.publish(try shop.registry.encode(command), to: topic, key: orderId)
        let record = try #require(
            try await shop.store.readStream(receipt.stream, from: 1, direction: .forward, limit: 100).last)
        return ReceivedMessage(record: record, group: "test", partition: 0, attempt: 1)
    }

    func types(_ stream: String, _ shop: ShopServices) async throws -> [String] {
        try await shop.store.readStream(try StreamName(stream), from: 1, direction: .forward, limit: 100).map(\.type)
    }

    @Test func paymentsAuthorizeCaptureAndRefundOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("shop.sqlite"))
        let gateway = CountingGateway(.approved(authorization: "a-1"))
        let shop = try ShopServices(store: store, gateway: gateway)
        let request = try await message(RequestPayment(amountCents: 1_300), to: ShopTopics.paymentCommands, orderId: "o-1", shop: shop)
        try await shop.payments.handle(request)
        try await shop.payments.handle(request)
        let capture = try await message(CapturePayment(), to: ShopTopics.paymentCommands, orderId: "o-1", shop: shop)
        try await shop.payments.handle(capture)
        try await shop.payments.handle(capture)
        let refund = try await message(RefundPayment(reason: "test"), to: ShopTopics.paymentCommands, orderId: "o-1", shop: shop)
        try await shop.payments.handle(refund)
        try await shop.payments.handle(refund)
        #expect(try await types("payment-o-1", shop) == [
            "PaymentRequested", "PaymentAuthorized", "PaymentCaptured", "PaymentRefunded",
        ])
        #expect(gateway.calls.withLock { $0 } == ["authorize o-1", "capture o-1", "refund o-1"])
        #expect(try await types("payments-o-1", shop) == [
            "PaymentRequested", "PaymentAuthorized", "PaymentCaptured", "PaymentRefunded",
        ])
        try store.close()
    }

    @Test func inventoryReservesReleasesAndCommitsOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("shop.sqlite"))
        let shop = try ShopServices(store: store, gateway: CountingGateway(.declined(reason: "no")))
        try await shop.inventory.receive(sku: "TEA-GREEN", quantity: 5)
        try await shop.inventory.receive(sku: "GIFT-BOX", quantity: 1)
        let tea = OrderLine(sku: "TEA-GREEN", quantity: 2, unitPriceCents: 650)
        let box = OrderLine(sku: "GIFT-BOX", quantity: 2, unitPriceCents: 2_500)
        // o-1 gets its tea; o-2 runs out of gift boxes.
        let first = try await message(ReserveStock(lines: [tea]), to: ShopTopics.inventoryCommands, orderId: "o-1", shop: shop)
        let second = try await message(
            ReserveStock(lines: [tea, box]), to: ShopTopics.inventoryCommands, orderId: "o-2", shop: shop)
        for received in [first, first, second, second] { try await shop.inventory.handle(received) }
        #expect(try await types("inventory-o-1", shop) == ["StockReserved"])
        #expect(try await types("inventory-o-2", shop) == ["StockReservationRejected"])
        let commit = try await message(CommitStock(skus: ["TEA-GREEN"]), to: ShopTopics.inventoryCommands, orderId: "o-1", shop: shop)
        let release = try await message(
            ReleaseStock(skus: ["GIFT-BOX", "TEA-GREEN"]), to: ShopTopics.inventoryCommands, orderId: "o-2", shop: shop)
        for received in [commit, commit, release, release, second] { try await shop.inventory.handle(received) }
        #expect(try await types("inventory-o-1", shop) == ["StockReserved", "StockCommitted"])
        #expect(try await types("inventory-o-2", shop) == ["StockReservationRejected"])
        let teaStock = try await shop.inventory.stock.load("TEA-GREEN").state
        #expect(teaStock.onHand == 3)
        #expect(teaStock.reservations.isEmpty)
        try store.close()
    }

    @Test func seedingTwiceAddsNothing() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("shop.sqlite"))
        let shop = try ShopServices(store: store, gateway: CountingGateway(.declined(reason: "no")))
        #expect(try await shop.seed(forOrders: 50).count == Catalog.products.count)
        let head = try await store.headPosition()
        #expect(try await shop.seed(forOrders: 50).isEmpty)
        #expect(try await store.headPosition() == head)
        #expect(try await shop.inventory.stock.load("GIFT-BOX").state.onHand == Catalog.demoStock("GIFT-BOX", forOrders: 50))
        try store.close()
    }

    @Test func ordersConfirmOnceAndNotifyOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("shop.sqlite"))
        let shop = try ShopServices(store: store, gateway: CountingGateway(.declined(reason: "no")))
        try await shop.ordering.place(id: "o-1", customer: "ada", items: [(sku: "TEA-GREEN", quantity: 2)])
        let confirm = try await message(ConfirmOrder(amountCents: 1_300), to: ShopTopics.orderCommands, orderId: "o-1", shop: shop)
        try await shop.ordering.handle(confirm)
        try await shop.ordering.handle(confirm)
        let cancel = try await message(CancelOrder(reason: "late"), to: ShopTopics.orderCommands, orderId: "o-2", shop: shop)
        try await shop.ordering.place(id: "o-2", customer: "bo", items: [(sku: "HONEY", quantity: 1)])
        try await shop.ordering.handle(cancel)
        try await shop.ordering.handle(cancel)
        #expect(try await types("orders-o-1", shop) == ["OrderPlaced", "OrderPaid", "OrderConfirmed"])
        #expect(try await types("orders-o-2", shop) == ["OrderPlaced", "OrderCancelled"])

        let records = try await shop.store.readStream(try StreamName("orders-o-1"), from: 1, direction: .forward, limit: 10)
        let confirmed = ReceivedMessage(record: records[2], group: "notifications", partition: 0, attempt: 1)
        try await shop.notifications.handle(confirmed)
        try await shop.notifications.handle(confirmed)
        let notification = try await shop.notifications.notifications.load("o-1")
        #expect(notification.version == 1)
        #expect(notification.state.sent?.kind == .confirmation)
        #expect(notification.state.sent?.customer == "ada")
        try store.close()
    }
}
