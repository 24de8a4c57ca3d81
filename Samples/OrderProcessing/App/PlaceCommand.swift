import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import OrderDomain

/// `order-processing place --customer C --item SKU:QTY ...`
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place one order and reserve its stock.",
        discussion: """
            Example:
              order-processing place --customer ada --item TEA-GREEN:2 --item MUG-BLUE:1
            Products: \(Catalog.products.map(\.sku).joined(separator: ", "))
            """)

    @OptionGroup var options: ShopOptions

    @Option(help: "The customer's name.")
    var customer: String

    @Option(name: .customLong("item"), help: "A product and quantity as SKU:QTY; repeat for more lines.")
    var items: [String]

    func run() async throws {
        let lines = try items.map(Self.parseItem)
        let shop = try await Shop.open(path: options.store)
        let (id, accepted) = try await shop.placeOrder(customer: customer, items: lines)
        try await shop.projectionRunner().catchUp()
        if accepted {
            print("order \(id) placed")
        } else {
            let order = try await shop.orders.load(id)
            print("order \(id) cancelled: \(order.state.cancelReason ?? "unknown reason")")
        }
        try shop.store.close()
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
