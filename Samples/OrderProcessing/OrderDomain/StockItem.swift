public import Chronicle

/// The stock of one product (SKU): units on hand, units reserved per order, and
/// the orders whose reservation is settled (rejected, released or committed), so
/// that a message delivered again never reserves twice.
public struct StockItem: Aggregate, Codable, Equatable {
    public static let category = "stock"
    public static let handlers = EventHandlers<StockItem>()
        .on(StockReceived.self) { item, event in item.onHand += event.quantity }
        .on(StockReserved.self) { item, event in item.reservations[event.orderId, default: 0] += event.quantity }
        .on(StockReservationRejected.self) { item, event in item.settled.insert(event.orderId) }
        .on(StockReleased.self) { item, event in
            item.reservations[event.orderId] = nil
            item.settled.insert(event.orderId)
        }
        .on(StockCommitted.self) { item, event in
            item.reservations[event.orderId] = nil
            item.onHand -= event.quantity
            item.settled.insert(event.orderId)
        }

    public let id: String
    public var onHand = 0
    public var reservations: [String: Int] = [:]
    public var settled: Set<String> = []

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

    /// Reserves units for an order, or throws `StockError.insufficient` (the
    /// in-process `Shop`'s way; the inventory service uses ``reserveOrReject(_:for:)``).
    public func reserve(_ quantity: Int, for orderId: String) throws -> [any DomainEvent] {
        guard quantity > 0 else { throw StockError.invalidQuantity(quantity) }
        guard reservations[orderId] == nil else { return [] }  // already reserved: idempotent
        guard available >= quantity else {
            throw StockError.insufficient(sku: id, available: available, requested: quantity)
        }
        return [StockReserved(orderId: orderId, quantity: quantity, sku: id)]
    }

    /// Reserves units for an order, or records that there were not enough: out of
    /// stock is an outcome the saga reacts to. Idempotent: an order already
    /// reserved or settled gets nothing new.
    public func reserveOrReject(_ quantity: Int, for orderId: String) throws -> [any DomainEvent] {
        guard quantity > 0 else { throw StockError.invalidQuantity(quantity) }
        guard reservations[orderId] == nil, !settled.contains(orderId) else { return [] }
        guard available >= quantity else {
            return [StockReservationRejected(orderId: orderId, sku: id, requested: quantity, available: available)]
        }
        return [StockReserved(orderId: orderId, quantity: quantity, sku: id)]
    }

    /// Gives an order's reservation back; nothing when it has none.
    public func release(for orderId: String) throws -> [any DomainEvent] {
        guard let quantity = reservations[orderId] else { return [] }
        return [StockReleased(orderId: orderId, quantity: quantity, sku: id)]
    }

    /// Takes an order's reserved units out of the stock; nothing when it has no reservation.
    public func commit(for orderId: String) throws -> [any DomainEvent] {
        guard let quantity = reservations[orderId] else { return [] }
        return [StockCommitted(orderId: orderId, sku: id, quantity: quantity)]
    }
}
