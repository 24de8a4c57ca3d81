import Chronicle
import ChronicleSQLite
import Foundation
import Hummingbird
import OrderDomain
import Prometheus

/// The service's endpoints over one shop: commands append events, then wait
/// until the read models have processed them, so a client reads its own writes.
struct OrderAPI: Sendable {
    let shop: Shop
    let runner: ProjectionRunner
    let metrics: PrometheusCollectorRegistry

    var summaries: OrderSummaryQuery { OrderSummaryQuery(store: shop.store) }

    /// The router with every endpoint, the request counter and the error mapping.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestCounter())
        router.add(middleware: DomainErrors())
        router.post("/orders", use: placeOrder)
        router.get("/orders", use: listOrders)
        router.get("/orders/:id", use: getOrder)
        router.post("/orders/:id/cancel", use: cancelOrder)
        router.post("/orders/:id/pay") { _, context in try await orderCommand(context) { try await shop.pay($0) } }
        router.post("/orders/:id/confirm") { _, context in try await orderCommand(context) { try await shop.confirm($0) } }
        router.post("/orders/:id/ship") { _, context in try await orderCommand(context) { try await shop.ship($0) } }
        router.post("/stock/:sku/receive", use: receiveStock)
        router.get("/stock", use: listStock)
        router.get("/health", use: health)
        router.get("/metrics", use: prometheusText)
        return router
    }

    // MARK: Commands

    @Sendable func placeOrder(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(PlaceOrderRequest.self, from: request)
        let customer = body.customer.trimmingCharacters(in: .whitespaces)
        guard !customer.isEmpty else { throw ServiceError(.badRequest, "'customer' is empty") }
        guard !body.lines.isEmpty else { throw ServiceError(.badRequest, "an order needs at least one line") }
        for line in body.lines {
            guard Catalog.product(line.sku) != nil else {
                throw ServiceError(.badRequest, "\(ShopError.unknownProduct(line.sku))")
            }
            guard line.quantity > 0 else {
                throw ServiceError(.badRequest, "quantity \(line.quantity) of \(line.sku) is not positive")
            }
        }
        let (orderId, accepted) = try await shop.placeOrder(
            customer: customer, items: body.lines.map { (sku: $0.sku, quantity: $0.quantity) })
        try await waitForReadModels()
        guard accepted else {
            let order = try await shop.orders.load(orderId)
            throw ServiceError(
                .conflict, "order cancelled: \(order.state.cancelReason ?? "out of stock")", orderId: orderId)
        }
        return try JSONBody.response(OrderCommandResponse(orderId: orderId, status: "placed"), status: .created)
    }

    @Sendable func cancelOrder(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let orderId = try context.parameters.require("id")
        let body = try await JSONBody.decode(CancelOrderRequest.self, from: request, emptyAllowed: true)
        try await shop.cancel(orderId, reason: body?.reason ?? "cancelled by the customer")
        return try await orderState(orderId)
    }

    func orderCommand(
        _ context: BasicRequestContext, _ command: (String) async throws -> Void
    ) async throws -> Response {
        let orderId = try context.parameters.require("id")
        try await command(orderId)
        return try await orderState(orderId)
    }

    private func orderState(_ orderId: String) async throws -> Response {
        try await waitForReadModels()
        let order = try await shop.orders.load(orderId)
        return try JSONBody.response(OrderCommandResponse(orderId: orderId, status: order.state.status.rawValue))
    }

    @Sendable func receiveStock(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let sku = try context.parameters.require("sku")
        guard let product = Catalog.product(sku) else {
            throw ServiceError(.notFound, "\(ShopError.unknownProduct(sku))")
        }
        let body = try await JSONBody.decode(ReceiveStockRequest.self, from: request)
        try await shop.receiveStock(sku: sku, quantity: body.quantity)
        try await waitForReadModels()
        return try JSONBody.response(try await stockLevel(product))
    }

    /// Waits until every read model has processed the log up to its head as it is
    /// now, which includes what this request wrote.
    private func waitForReadModels() async throws {
        try await runner.waitUntilProcessed(try await shop.store.headPosition())
    }

    // MARK: Queries

    @Sendable func getOrder(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let orderId = try context.parameters.require("id")
        guard let row = try await summaries.order(orderId) else {
            throw ServiceError(.notFound, "no order '\(orderId)'")
        }
        return try JSONBody.response(OrderSummary(row))
    }

    @Sendable func listOrders(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw ServiceError(.badRequest, "'limit' must be a number from 1 to 1000")
            }
            limit = value
        }
        var status: String?
        if let text = query["status"] {
            guard let value = Order.Status(rawValue: String(text)) else {
                let known = Order.Status.allCases.map(\.rawValue).joined(separator: ", ")
                throw ServiceError(.badRequest, "unknown status '\(text)' (known: \(known))")
            }
            status = value.rawValue
        }
        let rows = try await summaries.orders(status: status, limit: limit)
        return try JSONBody.response(rows.map(OrderSummary.init))
    }

    @Sendable func listStock(_ request: Request, context: BasicRequestContext) async throws -> Response {
        var levels: [StockLevel] = []
        for product in Catalog.products {
            levels.append(try await stockLevel(product))
        }
        return try JSONBody.response(levels)
    }

    private func stockLevel(_ product: Catalog.Product) async throws -> StockLevel {
        let item = try await shop.stock.loadOrInitial(product.sku).state
        return StockLevel(
            sku: product.sku, name: product.name, onHand: item.onHand, reserved: item.reserved,
            available: item.available)
    }

    @Sendable func health(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let statuses = try await runner.status()
        let stopped = statuses.contains { if case .stopped = $0.state { true } else { false } }
        let health = Health(
            status: stopped ? "degraded" : "ok",
            projections: statuses.map {
                Health.Projection(
                    name: $0.name, state: $0.state.description, checkpoint: $0.checkpoint.rawValue,
                    head: $0.head.rawValue, lag: $0.lag, lagSeconds: $0.lagSeconds, deadLetters: $0.deadLetters)
            })
        return try JSONBody.response(health, status: stopped ? .serviceUnavailable : .ok)
    }

    @Sendable func prometheusText(_ request: Request, context: BasicRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
}
