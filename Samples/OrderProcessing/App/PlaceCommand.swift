import ArgumentParser
import Chronicle
import ChronicleCLI
import OrderDomain

/// `order-processing place --customer C --item SKU:QTY ...`
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place one order; the running services take it from there.",
        discussion: ChronicleCommands.discussion(
            """
            Prints "order ID placed". With the services running (`serve`), the order is confirmed or
            cancelled within moments: see `order-processing orders`.

            Example:
              order-processing place --customer ada --item TEA-GREEN:2 --item MUG-BLUE:1
            Products: \(Catalog.products.map(\.sku).joined(separator: ", "))
            """))

    @OptionGroup var options: ShopOptions

    @Option(help: "The customer's name.")
    var customer: String

    @Option(name: .customLong("item"), help: "A product and quantity as SKU:QTY; repeat for more lines.")
    var items: [String]

    func run() async throws {
        let lines = try items.map(Self.parseItem)
        let opened = try await options.open(.createIfMissing)
        defer { opened.close() }
        let shop = try ShopServices(store: opened.store, gateway: FlakyPaymentGateway(failureRate: 0))
        let id = try await shop.ordering.place(customer: customer, items: lines)
        print("order \(id) placed")
    }

    static func parseItem(_ text: String) throws -> (sku: String, quantity: Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let quantity = Int(parts[1]), quantity > 0, !parts[0].isEmpty else {
            throw CommandError(.badInput, "item '\(text)' is not SKU:QTY with a positive quantity")
        }
        let sku = String(parts[0])
        guard Catalog.product(sku) != nil else {
            throw CommandError(.badInput, "\(ShopError.unknownProduct(sku))")
        }
        return (sku, quantity)
    }
}
