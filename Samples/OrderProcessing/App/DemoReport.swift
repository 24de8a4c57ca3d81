import Chronicle
import ChronicleSQLite
import OrderDomain

/// The tables the demo prints: orders by status, sales by product, projections.
struct DemoReport {
    let shop: Shop
    let runner: ProjectionRunner

    func printed() async throws -> String {
        var out: [String] = []
        let query = OrderSummaryQuery(store: shop.store)
        out.append("")
        out.append("Orders by status (order-summary)")
        var statuses = ReportTable(["STATUS", "ORDERS", "VALUE"], rightAligned: [1, 2])
        for row in try await query.totalsByStatus() {
            statuses.append([row.status, "\(row.orders)", Money.format(row.totalCents)])
        }
        out.append(statuses.rendered)

        out.append("")
        out.append("Sales by product (sales-by-product)")
        var sales = ReportTable(["SKU", "UNITS", "ORDERS", "REVENUE"], rightAligned: [1, 2, 3])
        for row in try await query.salesByProduct() {
            sales.append([row.sku, "\(row.unitsSold)", "\(row.orders)", Money.format(row.revenueCents)])
        }
        out.append(sales.rendered)

        out.append("")
        out.append("Projections")
        var projections = ReportTable(["NAME", "GUARANTEE", "STATE", "CHECKPOINT", "HEAD", "LAG"], rightAligned: [3, 4, 5])
        for status in try await runner.status() {
            projections.append([
                status.name, status.guarantee.rawValue, "\(status.state)", "\(status.checkpoint)", "\(status.head)",
                "\(status.lag)",
            ])
        }
        out.append(projections.rendered)
        return out.joined(separator: "\n")
    }
}
