import Chronicle
import Foundation
import OrderDomain

/// The figures the demo prints: outcome, orders by status, sales, stock,
/// notifications, consumer groups and projections.
struct DemoReport {
    struct Group {
        let name: String
        let lag: Int64
        let deadLetters: Int
        let statistics: BusStatistics?
    }

    let result: ShopDemo.Result
    let statuses: [OrderSummaryQuery.StatusTotal]
    let sales: [OrderSummaryQuery.ProductSales]
    let stock: [OrderSummaryQuery.StockLevel]
    let notified: Int
    let groups: [Group]
    let projections: [ProjectionStatus]

    static func gather(shop: ShopServices, result: ShopDemo.Result) async throws -> DemoReport {
        let query = OrderSummaryQuery(storage: shop.storage)
        var groups: [Group] = []
        for name in ShopServices.groupNames {
            let status = try await shop.bus.status(group: name)
            groups.append(
                Group(
                    name: name, lag: status?.lag ?? 0, deadLetters: status?.deadLetters ?? 0,
                    statistics: result.statistics[name]))
        }
        return DemoReport(
            result: result, statuses: try await query.totalsByStatus(), sales: try await query.salesByProduct(),
            stock: try await query.stockLevels(), notified: result.confirmed + result.cancelled, groups: groups,
            projections: try await shop.projectionRunner().status())
    }

    var seconds: Double {
        Double(result.elapsed.components.seconds) + Double(result.elapsed.components.attoseconds) / 1e18
    }

    func text() -> String {
        var out: [String] = []
        out.append(
            "\(result.orderIds.count) orders settled in \(String(format: "%.1f", seconds)) s "
                + "(\(Int(result.ordersPerSecond.rounded())) orders/s, \(String(format: "%.1f", result.eventsPerOrder)) events per order): "
                + "\(result.confirmed) confirmed, \(result.cancelled) cancelled")
        if !result.cancellations.isEmpty {
            out.append(
                "  cancelled: "
                    + result.cancellations.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                    .map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        out.append("Customers notified: \(notified), each exactly once (sent_notifications)")
        let payments = result.statistics[PaymentsService.groupName] ?? BusStatistics()
        out.append(
            "Payment gateway: \(payments.failed) outages retried, circuit breaker opened \(payments.circuitBreakerOpened) times, "
                + "\(payments.deadLettered) dead letters")

        out.append("")
        out.append("Orders by status (order-summary)")
        var statusTable = ReportTable(["STATUS", "ORDERS", "VALUE"], rightAligned: [1, 2])
        for row in statuses { statusTable.append([row.status, "\(row.orders)", Money.format(row.totalCents)]) }
        out.append(statusTable.rendered)

        out.append("")
        out.append("Sales by product (sales-by-product)")
        var salesTable = ReportTable(["SKU", "UNITS", "ORDERS", "REVENUE"], rightAligned: [1, 2, 3])
        for row in sales {
            salesTable.append([row.sku, "\(row.unitsSold)", "\(row.orders)", Money.format(row.revenueCents)])
        }
        out.append(salesTable.rendered)

        out.append("")
        out.append("Stock levels (stock-levels)")
        var stockTable = ReportTable(["SKU", "ON HAND", "RESERVED", "AVAILABLE"], rightAligned: [1, 2, 3])
        for row in stock { stockTable.append([row.sku, "\(row.onHand)", "\(row.reserved)", "\(row.onHand - row.reserved)"]) }
        out.append(stockTable.rendered)

        out.append("")
        out.append("Consumer groups")
        var groupTable = ReportTable(
            ["GROUP", "DELIVERED", "FAILED", "RETRIED", "DEAD LETTERS", "LAG", "MEAN MS"], rightAligned: [1, 2, 3, 4, 5, 6])
        for group in groups {
            let statistics = group.statistics ?? BusStatistics()
            groupTable.append([
                group.name, "\(statistics.delivered)", "\(statistics.failed)", "\(statistics.retried)",
                "\(group.deadLetters)", "\(group.lag)", Self.milliseconds(statistics.meanHandlerTime),
            ])
        }
        out.append(groupTable.rendered)

        out.append("")
        out.append("Projections")
        var projectionTable = ReportTable(["NAME", "STATE", "CHECKPOINT", "HEAD", "LAG"], rightAligned: [2, 3, 4])
        for status in projections {
            projectionTable.append([status.name, "\(status.state)", "\(status.checkpoint)", "\(status.head)", "\(status.lag)"])
        }
        out.append(projectionTable.rendered)
        return out.joined(separator: "\n")
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f", ms)
    }

    func json() throws -> String {
        let document: [String: Any] = [
            "orders": result.orderIds.count,
            "confirmed": result.confirmed,
            "cancelled": result.cancelled,
            "cancellations": result.cancellations,
            "notified": notified,
            "elapsedSeconds": (seconds * 1_000).rounded() / 1_000,
            "ordersPerSecond": result.ordersPerSecond.rounded(),
            "eventsWritten": result.eventsWritten,
            "eventsPerOrder": (result.eventsPerOrder * 10).rounded() / 10,
            "ordersByStatus": statuses.map { ["status": $0.status, "orders": $0.orders, "totalCents": $0.totalCents] },
            "sales": sales.map {
                ["sku": $0.sku, "unitsSold": $0.unitsSold, "orders": $0.orders, "revenueCents": $0.revenueCents]
            },
            "stock": stock.map { ["sku": $0.sku, "onHand": $0.onHand, "reserved": $0.reserved, "available": $0.onHand - $0.reserved] },
            "groups": groups.map { group -> [String: Any] in
                let statistics = group.statistics ?? BusStatistics()
                return [
                    "group": group.name, "lag": group.lag, "deadLetters": group.deadLetters,
                    "delivered": statistics.delivered, "failed": statistics.failed, "retried": statistics.retried,
                    "circuitBreakerOpened": statistics.circuitBreakerOpened,
                ]
            },
            "projections": projections.map {
                ["name": $0.name, "state": "\($0.state)", "checkpoint": $0.checkpoint.rawValue, "head": $0.head.rawValue, "lag": $0.lag]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
