import Chronicle
import ChronicleSQLite
import Foundation
import OrderDomain

/// The end-to-end invariants of the sample, checked against the whole log and
/// the mailer's table after a run: what the issue asks every run to end in.
struct ShopInvariants {
    var orders: [String: Order.Status] = [:]
    var orderSkus: [String: Set<String>] = [:]
    var committed: [String: Set<String>] = [:]
    var captured: Set<String> = []
    var refunded: Set<String> = []
    var authorized: Set<String> = []
    var notifications: [String: Int] = [:]
    var sent: [String: Int] = [:]
    var reservations: [String: [String: Int]] = [:]
    var problems: [String] = []

    var confirmed: Int { orders.values.filter { $0 == .confirmed }.count }
    var cancelled: Int { orders.values.filter { $0 == .cancelled }.count }

    /// Reads the SQLite store at `path` (closed again before returning) and collects every broken invariant.
    static func check(path: String) async throws -> ShopInvariants {
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        return try await check(store: store)
    }

    /// Reads a store's log and its mailer's table (either backend) and collects every broken invariant.
    static func check(store: some EventStore) async throws -> ShopInvariants {
        let registry = try ShopRegistry.make()
        var check = ShopInvariants()
        var onHand: [String: Int] = [:]
        var position = GlobalPosition.start
        let filter = EventFilter(categories: ["order", "stock", "payment", "notification"])
        while true {
            let page = try await store.readAll(from: position, limit: 1_000, filter: filter)
            guard let last = page.last else { break }
            position = last.position.next
            for record in page {
                let id = record.stream.id
                switch try registry.decode(record) {
                case let placed as OrderPlaced:
                    check.orders[id] = .placed
                    check.orderSkus[id] = Set(placed.lines.map(\.sku))
                case is OrderConfirmed: check.orders[id] = .confirmed
                case is OrderCancelled: check.orders[id] = .cancelled
                case let received as StockReceived: onHand[id, default: 0] += received.quantity
                case let reserved as StockReserved:
                    check.reservations[id, default: [:]][reserved.orderId, default: 0] += reserved.quantity
                case let released as StockReleased: check.reservations[id]?[released.orderId] = nil
                case let committed as StockCommitted:
                    check.reservations[id]?[committed.orderId] = nil
                    onHand[id, default: 0] -= committed.quantity
                    check.committed[committed.orderId, default: []].insert(id)
                case is PaymentAuthorized: check.authorized.insert(id)
                case is PaymentCaptured: check.captured.insert(id)
                case is PaymentRefunded: check.refunded.insert(id)
                case is CustomerNotified: check.notifications[id, default: 0] += 1
                default: break
                }
                if record.stream.category == "stock" {
                    let reserved = check.reservations[id, default: [:]].values.reduce(0, +)
                    if onHand[id, default: 0] < 0 || onHand[id, default: 0] - reserved < 0 {
                        check.problems.append("stock of \(id) went negative at \(record.position)")
                    }
                }
            }
        }
        check.sent = try await ShopServices.storage(for: store).sentNotifications(orderIdPrefix: "")
            .reduce(into: [String: Int]()) { $0[$1.orderId, default: 0] += 1 }
        check.verify()
        return check
    }

    mutating func verify() {
        for (id, status) in orders.sorted(by: { $0.key < $1.key }) {
            if status != .confirmed && status != .cancelled { problems.append("order \(id) ended \(status)") }
            if status == .confirmed && committed[id] != orderSkus[id] {
                problems.append("confirmed order \(id) committed \(committed[id] ?? []) of \(orderSkus[id] ?? [])")
            }
            if status == .cancelled && committed[id] != nil { problems.append("cancelled order \(id) committed stock") }
            if notifications[id] != 1 { problems.append("order \(id) has \(notifications[id] ?? 0) notifications") }
            if sent[id] != 1 { problems.append("order \(id) was sent \(sent[id] ?? 0) notifications") }
            if status == .cancelled && authorized.contains(id) && !refunded.contains(id) {
                problems.append("cancelled order \(id) kept its authorized payment")
            }
        }
        for id in captured where orders[id] != .confirmed && !refunded.contains(id) {
            problems.append("payment \(id) captured for an order that is \(orders[id].map { "\($0)" } ?? "missing")")
        }
        for (sku, held) in reservations where !held.isEmpty {
            problems.append("\(sku) still holds reservations for \(held.keys.sorted())")
        }
        if sent.count != orders.count { problems.append("\(sent.count) notifications sent for \(orders.count) orders") }
    }
}
