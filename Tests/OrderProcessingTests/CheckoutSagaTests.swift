import Chronicle
import ChronicleTesting
import Foundation
import OrderDomain
import Testing

/// The checkout saga's decisions, given its past events, for each message.
@Suite("Checkout saga")
struct CheckoutSagaTests {
    let tea = OrderLine(sku: "TEA-GREEN", quantity: 2, unitPriceCents: 650)
    let mug = OrderLine(sku: "MUG-BLUE", quantity: 1, unitPriceCents: 1_350)
    var started: CheckoutStarted { CheckoutStarted(customer: "ada", lines: [tea, mug], totalCents: 2_650) }
    let authorized = PaymentAuthorized(orderId: "o-1", amountCents: 2_650, authorization: "auth-o-1")
    let teaReserved = StockReserved(orderId: "o-1", quantity: 2, sku: "TEA-GREEN")
    let mugReserved = StockReserved(orderId: "o-1", quantity: 1, sku: "MUG-BLUE")

    func spec() throws -> AggregateSpec<Checkout> {
        AggregateSpec<Checkout>(id: "o-1", registry: try ShopRegistry.make())
    }

    @Test func happyPathRequestsCapturesThenCompletes() async throws {
        let placed = OrderPlaced(customer: "ada", lines: [tea, mug])
        try await spec().when { try $0.handle(placed) }.then(started)
        try await spec().given(started).when { [authorized] in try $0.handle(authorized) }
            .then(CheckoutPaymentAuthorized())
        try await spec().given(started, CheckoutPaymentAuthorized(), CheckoutStockReserved(sku: "TEA-GREEN"))
            .when { [mugReserved] in try $0.handle(mugReserved) }
            .then(CheckoutStockReserved(sku: "MUG-BLUE"), CheckoutCaptureRequested(amountCents: 2_650))
        let done = try await spec()
            .given(
                started, CheckoutPaymentAuthorized(), CheckoutStockReserved(sku: "TEA-GREEN"),
                CheckoutStockReserved(sku: "MUG-BLUE"), CheckoutCaptureRequested(amountCents: 2_650))
            .when { try $0.handle(PaymentCaptured(orderId: "o-1", amountCents: 2_650)) }
            .then(CheckoutCompleted())
        #expect(done.stage == .completed)
    }

    @Test func stockBeforePaymentAlsoCaptures() async throws {
        try await spec()
            .given(started, CheckoutStockReserved(sku: "TEA-GREEN"), CheckoutStockReserved(sku: "MUG-BLUE"))
            .when { [authorized] in try $0.handle(authorized) }
            .then(CheckoutPaymentAuthorized(), CheckoutCaptureRequested(amountCents: 2_650))
    }

    @Test func declinedPaymentCancelsWithoutRefund() async throws {
        let cancelled = try await spec().given(started, CheckoutStockReserved(sku: "TEA-GREEN"))
            .when { try $0.handle(PaymentFailed(orderId: "o-1", reason: "card declined")) }
            .then(CheckoutCancelled(reason: "payment failed: card declined", refundPayment: false))
        #expect(cancelled.stage == .cancelled)
    }

    @Test func outOfStockCancelsAndRefundsAnAuthorizedPayment() async throws {
        let rejected = StockReservationRejected(orderId: "o-1", sku: "MUG-BLUE", requested: 1, available: 0)
        try await spec().given(started, CheckoutPaymentAuthorized())
            .when { try $0.handle(rejected) }
            .then(CheckoutCancelled(reason: "out of stock: MUG-BLUE (0 available, 1 requested)", refundPayment: true))
        try await spec().given(started)
            .when { try $0.handle(rejected) }
            .then(CheckoutCancelled(reason: "out of stock: MUG-BLUE (0 available, 1 requested)", refundPayment: false))
    }

    @Test func paymentTimeoutCancelsUnlessAuthorized() async throws {
        let cancelled = CheckoutCancelled(reason: "payment not authorized in time", refundPayment: false)
        try await spec().given(started, CheckoutStockReserved(sku: "TEA-GREEN"))
            .when { try $0.handle(PaymentDeadlinePassed()) }
            .then(cancelled)
        try await spec().given(started, CheckoutPaymentAuthorized())
            .when { try $0.handle(PaymentDeadlinePassed()) }
            .then()
        // The authorization comes after all: it is refunded, once.
        try await spec().given(started, cancelled)
            .when { [authorized] in try $0.handle(authorized) }
            .then(CheckoutRefundRequested(reason: "order cancelled: payment not authorized in time"))
        try await spec()
            .given(started, cancelled, CheckoutRefundRequested(reason: "order cancelled: payment not authorized in time"))
            .when { [authorized] in try $0.handle(authorized) }
            .then()
    }

    @Test func duplicateMessagesDecideNothingNew() async throws {
        try await spec().given(started)
            .when { [tea, mug] in try $0.handle(OrderPlaced(customer: "ada", lines: [tea, mug])) }
            .then()
        try await spec().given(started, CheckoutPaymentAuthorized())
            .when { [authorized] in try $0.handle(authorized) }
            .then()
        try await spec().given(started, CheckoutStockReserved(sku: "TEA-GREEN"))
            .when { [teaReserved] in try $0.handle(teaReserved) }
            .then()
        let completed: [any DomainEvent] = [
            started, CheckoutPaymentAuthorized(), CheckoutStockReserved(sku: "TEA-GREEN"),
            CheckoutStockReserved(sku: "MUG-BLUE"), CheckoutCaptureRequested(amountCents: 2_650), CheckoutCompleted(),
        ]
        try await spec().given(completed)
            .when { try $0.handle(PaymentCaptured(orderId: "o-1", amountCents: 2_650)) }
            .then()
        try await spec().given(completed)
            .when { try $0.handle(PaymentDeadlinePassed()) }
            .then()
        try await spec().given(started, CheckoutCancelled(reason: "payment failed: card declined", refundPayment: false))
            .when { try $0.handle(PaymentFailed(orderId: "o-1", reason: "card declined")) }
            .then()
    }

    @Test func outOfOrderMessages() async throws {
        // A reply before the order's OrderPlaced is refused, so the bus delivers it again later.
        try await spec().when { [authorized] in try $0.handle(authorized) }
            .thenThrows(CheckoutError.notStarted(orderId: "o-1", message: "PaymentAuthorized"))
        // A reservation reported after the cancellation: the release sent with it covers it.
        try await spec()
            .given(started, CheckoutCancelled(reason: "payment failed: card declined", refundPayment: false))
            .when { [mugReserved] in try $0.handle(mugReserved) }
            .then()
        // A decline after another product ran out: cancelled once.
        try await spec()
            .given(started, CheckoutCancelled(reason: "out of stock: MUG-BLUE (0 available, 1 requested)", refundPayment: false))
            .when { try $0.handle(PaymentFailed(orderId: "o-1", reason: "card declined")) }
            .then()
    }

    @Test func decisionsSendTheirCommandsKeyedByOrder() throws {
        let registry = try ShopRegistry.make()
        var checkout = Checkout(id: "o-1")
        checkout.stage = .awaiting
        checkout.lines = [tea, mug, OrderLine(sku: "TEA-GREEN", quantity: 1, unitPriceCents: 650)]
        checkout.totalCents = 3_300
        let now = Date(timeIntervalSince1970: 1_000)
        let startedEvent = try registry.encode(started, metadata: EventMetadata(correlationId: "req-1"))
        let sent = try checkout.commands(for: [startedEvent], registry: registry, paymentDeadline: .seconds(5), now: now)
        #expect(sent.map(\.event.type) == ["RequestPayment", "ReserveStock", "PaymentDeadlinePassed"])
        #expect(sent.map(\.topic.name) == ["payment_commands", "inventory_commands", "checkout_timeouts"])
        #expect(sent.allSatisfy { $0.key == "o-1" && $0.event.metadata.correlationId == "req-1" })
        #expect(sent.map(\.deliverAt) == [nil, nil, now.addingTimeInterval(5)])

        checkout.stage = .cancelled
        checkout.refundRequested = true
        checkout.cancelReason = "out of stock"
        let cancelled = try registry.encode(CheckoutCancelled(reason: "out of stock", refundPayment: true))
        let compensation = try checkout.commands(for: [cancelled], registry: registry, paymentDeadline: .seconds(5))
        #expect(compensation.map(\.event.type) == ["CancelOrder", "ReleaseStock", "RefundPayment"])
        let release = try #require(try registry.decode(
            type: "ReleaseStock", schemaVersion: 1, data: compensation[1].event.data) as? ReleaseStock)
        #expect(release.skus == ["MUG-BLUE", "TEA-GREEN"])
    }
}
