import Chronicle
import ChronicleCLI
import ChronicleSQLite
import OrderDomain

/// The tables the demo prints: orders by status, sales by product, projections.
struct DemoReport {
    let shop: Shop
    let runner: ProjectionRunner

    func print(to out: TextOutput) async throws {
        let query = OrderSummaryQuery(store: shop.store)
        out.line()
        out.line("Orders by status (order-summary)")
        var statuses = Table([.init("STATUS"), .init("ORDERS", alignment: .right), .init("VALUE", alignment: .right)])
        for row in try await query.totalsByStatus() {
            statuses.append([row.status, "\(row.orders)", Money.format(row.totalCents)])
        }
        statuses.print(to: out)

        out.line()
        out.line("Sales by product (sales-by-product)")
        var sales = Table([
            .init("SKU"), .init("UNITS", alignment: .right), .init("ORDERS", alignment: .right),
            .init("REVENUE", alignment: .right),
        ])
        for row in try await query.salesByProduct() {
            sales.append([row.sku, "\(row.unitsSold)", "\(row.orders)", Money.format(row.revenueCents)])
        }
        sales.print(to: out)

        out.line()
        out.line("Projections")
        var projections = Table([
            .init("NAME"), .init("GUARANTEE"), .init("STATE"), .init("CHECKPOINT", alignment: .right),
            .init("HEAD", alignment: .right), .init("LAG", alignment: .right),
        ])
        for status in try await runner.status() {
            projections.append([
                status.name, status.guarantee.rawValue, "\(status.state)", "\(status.checkpoint)", "\(status.head)",
                "\(status.lag)",
            ])
        }
        projections.print(to: out)
    }
}
