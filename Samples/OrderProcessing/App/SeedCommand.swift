import ArgumentParser
import Chronicle
import ChronicleCLI
import OrderDomain

/// `order-processing seed [--orders N] [--store LOCATION]`
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Put the demo catalog's stock in (a second run adds nothing).",
        discussion: ChronicleCommands.discussion(
            """
            Each product gets stock for about --orders orders, the gift box much less, so that some
            orders run out of it.

            Example:
              order-processing seed --orders 50
            """))

    @OptionGroup var options: ShopOptions

    @Option(help: "Stock for about this many orders.")
    var orders: Int = 200

    func validate() throws {
        if orders < 1 { throw ValidationError("--orders must be at least 1") }
    }

    func run() async throws {
        let opened = try await options.open(.createIfMissing)
        defer { opened.close() }
        let shop = try ShopServices(store: opened.store, gateway: FlakyPaymentGateway(failureRate: 0))
        let stocked = try await shop.seed(forOrders: orders)
        print(stocked.isEmpty ? "already seeded" : "stocked \(stocked.count) products: \(stocked.joined(separator: ", "))")
    }
}
