public import Chronicle

/// The stock of one product (SKU): units on hand and units reserved per order.
public struct StockItem: Aggregate, Codable, Equatable {
    public static let category = "stock"
    public static let handlers = EventHandlers<StockItem>()
        .on(StockReceived.self) { item, event in item.onHand += event.quantity }
        .on(StockReserved.self) { item, event in item.reservations[event.orderId, default: 0] += event.quantity }
        .on(StockReleased.self) { item, event in item.reservations[event.orderId] = nil }

    public let id: String
    public var onHand = 0
    public var reservations: [String: Int] = [:]

    public init(id: String) { self.id = id }

    public var reserved: Int { reservations.values.reduce(0, +) }
    public var available: Int { onHand - reserved }
}

/// Why a stock command was refused.
public enum StockError: Error, Equatable, CustomStringConvertible {
    case insufficient(sku: String, available: Int, requested: Int)
    case invalidQuantity(Int)

    public var description: String {
        switch self {
        case .insufficient(let sku, let available, let requested):
            return "only \(available) of \(sku) available, \(requested) requested"
        case .invalidQuantity(let quantity): return "quantity \(quantity) is not positive"
        }
    }
}

extension StockItem {
    public func receive(_ quantity: Int) throws -> [any DomainEvent] {
        guard quantity > 0 else { throw StockError.invalidQuantity(quantity) }
        return [StockReceived(quantity: quantity)]
    }

    public func reserve(_ quantity: Int, for orderId: String) throws -> [any DomainEvent] {
        guard quantity > 0 else { throw StockError.invalidQuantity(quantity) }
        guard reservations[orderId] == nil else { return [] }  // already reserved: idempotent
        guard available >= quantity else {
            throw StockError.insufficient(sku: id, available: available, requested: quantity)
        }
        return [StockReserved(orderId: orderId, quantity: quantity)]
    }

    public func release(for orderId: String) throws -> [any DomainEvent] {
        guard let quantity = reservations[orderId] else { return [] }
        return [StockReleased(orderId: orderId, quantity: quantity)]
    }
}
