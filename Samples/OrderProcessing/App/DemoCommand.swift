import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import Foundation
import Logging
import OrderDomain

/// `order-processing demo [--orders N] [--failure-rate R] [--store LOCATION] [--json]`
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole system in one process over the bus and print what happened.",
        discussion: ChronicleCommands.discussion(
            """
            Stocks the catalog (the gift box scarce), places --orders orders from concurrent tasks, and runs
            every service (orders, payments, inventory, notifications, the checkout saga, the read models)
            until each order is confirmed or cancelled, its customer notified, and every consumer group has
            caught up. Then prints the orders by status, sales by product and stock levels, the consumer
            groups and the projections; with --json, one JSON document with the same figures. A progress
            line goes to standard error while it runs.

            The payment gateway is deliberately flaky: --failure-rate of the authorizations go wrong, half
            declined (the order is cancelled) and half as gateway outages, which the bus retries (the
            circuit breaker opens when they pile up; a message out of attempts becomes a dead letter, and
            the payment deadline cancels its order).

            The demo commits with --durability normal by default (SQLite synchronous=NORMAL: a power cut may
            lose the last commits, never corrupt the file; PostgreSQL synchronous_commit=off), three times
            faster on a slow disk; `serve` keeps full durability.

            Examples:
              order-processing demo
              order-processing demo --orders 1000 --failure-rate 0 --store /tmp/shop.sqlite
              order-processing demo --orders 50 --json
              order-processing demo --store postgres://shop:secret@localhost:5432/shop
            """))

    @OptionGroup var options: ShopOptions

    @Option(help: "How many orders to place.")
    var orders: Int = 200

    @OptionGroup var gateway: GatewayOptions

    @Option(
        help: ArgumentHelp(
            "Commit durability: full (every commit flushed to disk) or normal (the last commits may be lost in a power cut).",
            valueName: "full|normal"))
    var durability: String = SQLiteDurability.normal.rawValue

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    /// The bus logs warnings and errors only: the demo reports the rest.
    static var logger: Logger {
        var logger = Logger(label: "order-processing")
        logger.logLevel = .warning
        return logger
    }

    func validate() throws {
        if orders < 1 || orders > 1_000_000 { throw ValidationError("--orders must be 1...1000000") }
        if SQLiteDurability(rawValue: durability) == nil { throw ValidationError("--durability must be full or normal") }
    }

    func run() async throws {
        let opened = try await options.open(.createIfMissing, durability: durability)
        // Closing a SQLite store leaves one self-contained file (no -wal beside it) to copy or inspect.
        defer { opened.close() }
        var settings = ServiceSettings()
        settings.paymentDeadline = gateway.deadline
        let shop = try ShopServices(
            store: opened.store,
            gateway: gateway.gateway,
            settings: settings, logger: Self.logger)
        if !json {
            print(
                "order-processing demo: \(orders) orders, gateway failure rate \(Int((gateway.failureRate * 100).rounded()))%, "
                    + "store \(opened.location)")
            fflush(nil)
        }
        let total = orders
        // On a terminal the progress line is rewritten in place; in a log, one line per report.
        let terminal = isatty(STDERR_FILENO) == 1
        let result = try await ShopDemo(shop: shop, orders: orders).run { progress in
            let line = "settled \(progress.settled)/\(total) orders (\(progress.confirmed) confirmed, \(progress.cancelled) cancelled)"
            FileHandle.standardError.write(Data((terminal ? "\r\(line)" : "\(line)\n").utf8))
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let report = try await DemoReport.gather(shop: shop, result: result)
        print(json ? try report.json() : report.text())
    }
}
