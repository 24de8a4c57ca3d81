import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import Foundation
import OrderDomain
import Synchronization

/// `order-processing demo [--orders N] [--store PATH]`
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed stock, place orders from concurrent tasks, run the read models and print them.",
        discussion: """
            Orders get a realistic mix: most are paid, many of those confirmed and shipped, some cancelled by
            the customer, a few refused for lack of stock (the gift box runs out).

            Example:
              order-processing demo --orders 500 --store /tmp/shop.sqlite
            """)

    @OptionGroup var options: ShopOptions

    @Option(help: "How many orders to place.")
    var orders: Int = 200

    @Option(help: "How many tasks place orders at once.")
    var concurrency: Int = 8

    func validate() throws {
        if orders < 1 { throw ValidationError("--orders must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let shop = try await Shop.open(path: options.store)
        print("Store \(options.store), head at \(try await shop.store.headPosition())")
        fflush(nil)  // all of stdio: the line shows before the orders are placed

        for product in Catalog.products {
            // The gift box is scarce, so that some orders are refused for lack of stock.
            let quantity = product.sku == "GIFT-BOX" ? max(2, orders / 10) : orders * 3
            try await shop.receiveStock(sku: product.sku, quantity: quantity)
        }

        let outcomes = try await placeOrders(shop)
        print(
            "Placed \(orders) orders: \(outcomes.accepted) accepted, \(outcomes.refused) refused for lack of stock, "
                + "\(outcomes.paid) paid, \(outcomes.shipped) shipped, \(outcomes.cancelled) cancelled by customers")

        let runner = try shop.projectionRunner()
        try await runner.catchUp()
        print(try await DemoReport(shop: shop, runner: runner).printed())
        // Closing leaves one self-contained file (no -wal beside it) to copy or inspect.
        try shop.store.close()
    }

    struct Outcomes: Sendable {
        var accepted = 0, refused = 0, paid = 0, shipped = 0, cancelled = 0
    }

    /// Places the orders from `concurrency` tasks, each taking the next order number.
    func placeOrders(_ shop: Shop) async throws -> Outcomes {
        let next = Shared(0)
        let outcomes = Shared(Outcomes())
        let total = orders
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let number = next.state.withLock { value -> Int? in
                            guard value < total else { return nil }
                            value += 1
                            return value
                        }
                        guard let number else { return }
                        let outcome = try await Self.placeOne(number, shop: shop)
                        let done = outcomes.state.withLock { outcomes -> Int in
                            outcome(&outcomes)
                            return outcomes.accepted + outcomes.refused
                        }
                        if done == total || done % max(1, total / 4) == 0 {
                            FileHandle.standardError.write(Data("placed \(done)/\(total) orders\n".utf8))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return outcomes.state.withLock { $0 }
    }

    /// One customer's journey: place, then pay / confirm / ship, or cancel.
    static func placeOne(_ number: Int, shop: Shop) async throws -> @Sendable (inout Outcomes) -> Void {
        var random = SystemRandomNumberGenerator()
        let lineCount = Int.random(in: 1...3, using: &random)
        let skus = Catalog.products.map(\.sku).shuffled(using: &random).prefix(lineCount)
        let items = skus.map { (sku: $0, quantity: Int.random(in: 1...3, using: &random)) }
        let context = CommandContext(correlationId: "demo-order-\(number)")
        let (id, accepted) = try await shop.placeOrder(
            customer: "customer-\(number % 37)", items: Array(items), context: context)
        guard accepted else { return { $0.refused += 1 } }
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<15:
            try await shop.cancel(id, reason: "changed my mind", context: context)
            return { $0.accepted += 1; $0.cancelled += 1 }
        case 15..<30:
            return { $0.accepted += 1 }
        default:
            try await shop.pay(id, context: context)
            if roll >= 50 { try await shop.confirm(id, context: context) }
            if roll >= 65 {
                try await shop.ship(id, context: context)
                return { $0.accepted += 1; $0.paid += 1; $0.shipped += 1 }
            }
            return { $0.accepted += 1; $0.paid += 1 }
        }
    }
}

/// A value shared by the order-placing tasks.
final class Shared<Value: Sendable>: Sendable {
    let state: Mutex<Value>
    init(_ value: Value) { state = Mutex(value) }
}
