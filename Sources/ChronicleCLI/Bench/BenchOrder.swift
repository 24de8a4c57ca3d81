internal import Chronicle

/// The domain `chronicle bench` writes and reads: orders of items over 20 SKUs,
/// through the typed aggregate API, as an app would.
struct BenchOrder: Aggregate, Codable {
    static let category = "order"
    static let handlers = EventHandlers<BenchOrder>()
        .on(BenchOrderPlaced.self) { order, event in
            order.status = .placed
            for line in event.items { order.quantities[line.sku, default: 0] += line.qty }
        }
        .on(BenchItemAdded.self) { order, event in order.quantities[event.sku, default: 0] += event.qty }
        .on(BenchOrderPaid.self) { order, event in
            order.status = .paid
            order.paid += event.amount
        }

    enum Status: String, Codable, Sendable { case new, placed, paid }

    let id: String
    var status = Status.new
    var quantities: [String: Int] = [:]
    var paid = 0

    init(id: String) { self.id = id }

    /// The number of items ordered.
    var itemCount: Int { quantities.values.reduce(0, +) }

    func place(_ n: Int) -> [any DomainEvent] {
        [BenchOrderPlaced(items: (0..<3).map { BenchOrderLine(sku: BenchSKU.name(n + $0), qty: 1 + (n + $0) % 3) })]
    }

    func addItem(_ n: Int) -> [any DomainEvent] {
        [BenchItemAdded(sku: BenchSKU.name(n), qty: 1 + n % 5)]
    }

    func pay() -> [any DomainEvent] {
        [BenchOrderPaid(amount: 100 * max(1, itemCount))]
    }

    /// Ten events: placed, eight items added, paid.
    func placeAddAndPay(_ n: Int) -> [any DomainEvent] {
        var events = place(n)
        for item in 0..<8 { events += addItem(n + item) }
        events.append(BenchOrderPaid(amount: 100 * (itemCount + 8)))
        return events
    }
}

/// The 20 SKUs orders choose from.
enum BenchSKU {
    static let names = (1...20).map { "sku-\($0 < 10 ? "0" : "")\($0)" }
    static func name(_ n: Int) -> String { names[n % names.count] }
}

/// One line of an order.
struct BenchOrderLine: Codable, Sendable, Hashable {
    var sku: String
    var qty: Int
}

/// An order was placed with three lines.
struct BenchOrderPlaced: DomainEvent, Hashable {
    static let eventType = "OrderPlaced"
    var items: [BenchOrderLine]
}

/// An item was added to an order.
struct BenchItemAdded: DomainEvent, Hashable {
    static let eventType = "ItemAdded"
    var sku: String
    var qty: Int
}

/// An order was paid.
struct BenchOrderPaid: DomainEvent, Hashable {
    static let eventType = "OrderPaid"
    var amount: Int
}
