import ArgumentParser
import Chronicle
import ChronicleCLI
import Foundation
import OrderDomain

/// `order-processing orders [--status S] [--json]`: the order summary read model.
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "List orders from the order-summary read model.",
        discussion: ChronicleCommands.discussion(
            """
            Examples:
              order-processing orders --status paid
              order-processing orders --json --limit 5
            """))

    @OptionGroup var options: ShopOptions

    @Option(help: "Only orders with this status (\(Order.Status.allCases.map(\.rawValue).joined(separator: ", "))).")
    var status: String?

    @Option(help: "The most orders to list.")
    var limit: Int = 50

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let status, Order.Status(rawValue: status) == nil {
            throw ValidationError("unknown status '\(status)'")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let location = try options.location()
        if location.scheme == "sqlite", !FileManager.default.fileExists(atPath: location.address) {
            throw CommandError(.failure, "no store at '\(location.address)'; run 'order-processing demo' first")
        }
        let opened = try await options.open(.existing)
        defer { opened.close() }
        let shop = try ShopServices(store: opened.store, gateway: FlakyPaymentGateway(failureRate: 0))
        do {
            try await shop.projectionRunner().catchUp()
        } catch let error as ProjectionError where error.code == .busy || error.code == .leaseHeld {
            // A running `serve --service projections` holds them: it keeps them current.
        }
        let rows = try await OrderSummaryQuery(storage: shop.storage).orders(status: status, limit: limit)
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows.map(\.json), options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        var table = ReportTable(["ORDER", "CUSTOMER", "STATUS", "ITEMS", "TOTAL", "PLACED"], rightAligned: [3, 4])
        for row in rows {
            table.append([row.orderId, row.customer, row.status, "\(row.itemCount)", Money.format(row.totalCents), row.placedAt])
        }
        print(table.rendered)
    }
}

