import ArgumentParser
import ChronicleCLI

/// The root command: `order-processing demo|place|orders|projections`.
struct OrderProcessingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order-processing",
        abstract: "The Chronicle order-processing sample: orders, stock and read models on one SQLite file.",
        discussion: """
            Every command takes --store PATH (default: order-processing.sqlite in the current directory), so
            they all work on the store the demo wrote.

            Examples:
              order-processing demo --orders 500
              order-processing place --customer ada --item TEA-GREEN:2 --item MUG-BLUE:1
              order-processing orders --status paid --json

            \(ExitStatus.helpText)
            """,
        subcommands: [DemoCommand.self, PlaceCommand.self, OrdersCommand.self])
}

/// The store option every command shares.
struct ShopOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store file.")
    var store: String = "order-processing.sqlite"
}
