public import Chronicle

/// An order: placed, paid, confirmed, shipped — or cancelled.
public struct Order: Aggregate, Codable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case placed, paid, confirmed, shipped, cancelled
    }

    public static let category = "order"
    public static let handlers = EventHandlers<Order>()
        .on(OrderPlaced.self) { order, event in
            order.customer = event.customer
            order.lines = event.lines
            order.status = .placed
        }
        .on(ItemAdded.self) { order, event in order.lines.append(event.line) }
        .on(OrderPaid.self) { order, event in
            order.paidCents = event.amountCents
            order.status = .paid
        }
        .on(OrderConfirmed.self) { order, _ in order.status = .confirmed }
        .on(OrderShipped.self) { order, _ in order.status = .shipped }
        .on(OrderCancelled.self) { order, event in
            order.status = .cancelled
            order.cancelReason = event.reason
        }

    public let id: String
    public var customer = ""
    public var lines: [OrderLine] = []
    public var status: Status = .placed
    public var paidCents = 0
    public var cancelReason: String?

    public init(id: String) { self.id = id }

    public var totalCents: Int { lines.reduce(0) { $0 + $1.totalCents } }
}

/// Why an order command was refused.
public enum OrderError: Error, Equatable, CustomStringConvertible {
    case noItems
    case invalidQuantity(sku: String, quantity: Int)
    case notPlaced(Order.Status)
    case wrongAmount(expected: Int, got: Int)
    case alreadyFinal(Order.Status)
    case notConfirmed(Order.Status)

    public var description: String {
        switch self {
        case .noItems: return "an order needs at least one item"
        case .invalidQuantity(let sku, let quantity): return "quantity \(quantity) of \(sku) is not positive"
        case .notPlaced(let status): return "the order is \(status.rawValue), not placed"
        case .wrongAmount(let expected, let got): return "payment of \(got) cents does not match the total \(expected)"
        case .alreadyFinal(let status): return "the order is already \(status.rawValue)"
        case .notConfirmed(let status): return "the order is \(status.rawValue), not confirmed"
        }
    }
}

extension Order {
    /// Places the order (on a new stream).
    public func place(customer: String, lines: [OrderLine]) throws -> [any DomainEvent] {
        guard !lines.isEmpty else { throw OrderError.noItems }
        for line in lines where line.quantity <= 0 {
            throw OrderError.invalidQuantity(sku: line.sku, quantity: line.quantity)
        }
        return [OrderPlaced(customer: customer, lines: lines)]
    }

    public func addItem(_ line: OrderLine) throws -> [any DomainEvent] {
        guard status == .placed else { throw OrderError.notPlaced(status) }
        guard line.quantity > 0 else { throw OrderError.invalidQuantity(sku: line.sku, quantity: line.quantity) }
        return [ItemAdded(line: line)]
    }

    public func pay(amountCents: Int) throws -> [any DomainEvent] {
        guard status == .placed else { throw OrderError.notPlaced(status) }
        guard amountCents == totalCents else { throw OrderError.wrongAmount(expected: totalCents, got: amountCents) }
        return [OrderPaid(amountCents: amountCents)]
    }

    public func confirm() throws -> [any DomainEvent] {
        guard status == .paid else { throw OrderError.notPlaced(status) }
        return [OrderConfirmed()]
    }

    public func ship() throws -> [any DomainEvent] {
        guard status == .confirmed else { throw OrderError.notConfirmed(status) }
        return [OrderShipped()]
    }

    public func cancel(reason: String) throws -> [any DomainEvent] {
        guard status != .shipped && status != .cancelled else { throw OrderError.alreadyFinal(status) }
        return [OrderCancelled(reason: reason)]
    }
}

extension Order {
    /// Confirms a placed order whose payment was captured: `OrderPaid` then
    /// `OrderConfirmed`. Nothing when it is already confirmed (or shipped): a
    /// command delivered again.
    public func confirmPaid(amountCents: Int) throws -> [any DomainEvent] {
        switch status {
        case .placed:
            guard amountCents == totalCents else { throw OrderError.wrongAmount(expected: totalCents, got: amountCents) }
            return [OrderPaid(amountCents: amountCents), OrderConfirmed()]
        case .paid: return [OrderConfirmed()]
        case .confirmed, .shipped: return []
        case .cancelled: throw OrderError.alreadyFinal(.cancelled)
        }
    }

    /// Cancels an order unless it has shipped; nothing when it is already cancelled.
    public func cancelIfOpen(reason: String) throws -> [any DomainEvent] {
        guard status != .cancelled else { return [] }
        return try cancel(reason: reason)
    }
}
