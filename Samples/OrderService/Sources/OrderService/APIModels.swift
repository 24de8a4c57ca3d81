import OrderDomain

/// `POST /orders`: `{"customer": "ada", "lines": [{"sku": "TEA-GREEN", "quantity": 2}]}`.
struct PlaceOrderRequest: Decodable {
    struct Line: Decodable {
        let sku: String
        let quantity: Int
    }
    let customer: String
    let lines: [Line]
}

/// `POST /stock/{sku}/receive`: `{"quantity": 10}`.
struct ReceiveStockRequest: Decodable {
    let quantity: Int
}

/// `POST /orders/{id}/cancel`: `{"reason": "..."}` (the body may be empty).
struct CancelOrderRequest: Decodable {
    let reason: String?
}

/// What a command on an order answers.
struct OrderCommandResponse: Encodable {
    let orderId: String
    let status: String
}

/// One row of the order-summary read model.
struct OrderSummary: Encodable {
    let orderId: String
    let customer: String
    let status: String
    let totalCents: Int
    let itemCount: Int
    let placedAt: String
    let updatedAt: String

    init(_ row: OrderSummaryQuery.Row) {
        orderId = row.orderId
        customer = row.customer
        status = row.status
        totalCents = row.totalCents
        itemCount = row.itemCount
        placedAt = row.placedAt
        updatedAt = row.updatedAt
    }
}

/// One product's stock.
struct StockLevel: Encodable {
    let sku: String
    let name: String
    let onHand: Int
    let reserved: Int
    let available: Int
}

/// `GET /health`: the projections' status.
struct Health: Encodable {
    struct Projection: Encodable {
        let name: String
        let state: String
        let checkpoint: Int64
        let head: Int64
        let lag: Int64
        let lagSeconds: Double?
        let deadLetters: Int
    }
    let status: String
    let projections: [Projection]
}
