import Chronicle
import ChronicleTesting
import OrderDomain
import Testing

@Suite("Order and StockItem aggregates")
struct OrderAggregateTests {
    let tea = OrderLine(sku: "TEA-GREEN", quantity: 2, unitPriceCents: 650)
    let mug = OrderLine(sku: "MUG-BLUE", quantity: 1, unitPriceCents: 1_350)

    @Test func placingAndPayingTheExactTotal() async throws {
        try await AggregateSpec<Order>(id: "o-1")
            .when { order in try order.place(customer: "ada", lines: [tea, mug]) }
            .then(OrderPlaced(customer: "ada", lines: [tea, mug]))
        try await AggregateSpec<Order>(id: "o-1")
            .given(OrderPlaced(customer: "ada", lines: [tea]), ItemAdded(line: mug))
            .when { order in try order.pay(amountCents: 2_650) }
            .then(OrderPaid(amountCents: 2_650))
    }

    @Test func refusedOrderCommands() async throws {
        try await AggregateSpec<Order>(id: "o-1")
            .when { order in try order.place(customer: "ada", lines: []) }
            .thenThrows(OrderError.noItems)
        try await AggregateSpec<Order>(id: "o-1")
            .given(OrderPlaced(customer: "ada", lines: [tea]))
            .when { order in try order.pay(amountCents: 1) }
            .thenThrows(OrderError.wrongAmount(expected: 1_300, got: 1))
        try await AggregateSpec<Order>(id: "o-1")
            .given(OrderPlaced(customer: "ada", lines: [tea]), OrderPaid(amountCents: 1_300))
            .when { order in try order.ship() }
            .thenThrows(OrderError.notConfirmed(.paid))
        try await AggregateSpec<Order>(id: "o-1")
            .given(
                OrderPlaced(customer: "ada", lines: [tea]), OrderPaid(amountCents: 1_300), OrderConfirmed(),
                OrderShipped())
            .when { order in try order.cancel(reason: "late") }
            .thenThrows(OrderError.alreadyFinal(.shipped))
    }

    @Test func stockReservationsAreBoundedAndIdempotent() async throws {
        try await AggregateSpec<StockItem>(id: "TEA-GREEN")
            .given(StockReceived(quantity: 3), StockReserved(orderId: "o-1", quantity: 2))
            .when { item in try item.reserve(2, for: "o-2") }
            .thenThrows(StockError.insufficient(sku: "TEA-GREEN", available: 1, requested: 2))
        try await AggregateSpec<StockItem>(id: "TEA-GREEN")
            .given(StockReceived(quantity: 3), StockReserved(orderId: "o-1", quantity: 2))
            .when { item in try item.reserve(2, for: "o-1") }
            .then()
        try await AggregateSpec<StockItem>(id: "TEA-GREEN")
            .given(StockReceived(quantity: 3), StockReserved(orderId: "o-1", quantity: 2))
            .when { item in try item.release(for: "o-1") }
            .then(StockReleased(orderId: "o-1", quantity: 2, sku: "TEA-GREEN"))
    }
}
