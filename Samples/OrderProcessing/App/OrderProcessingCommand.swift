import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import OrderDomain

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
              order-processing projections status
              order-processing projections rebuild --all --yes

            \(ExitStatus.helpText)
            """,
        subcommands: [DemoCommand.self, PlaceCommand.self, OrdersCommand.self]
            + ChronicleCommands.storeCommands(projections: ShopProjections.self))
}

/// The sample's read models, for the embedded `projections`, `stats` and `dlq` commands.
enum ShopProjections: ProjectionCatalog {
    static func projections(in store: SQLiteEventStore) async throws -> [any RunnableProjection] {
        try Shop(store: store).projections
    }
}

/// The store option every command shares.
struct ShopOptions: ParsableArguments {
    static let defaultStore = "order-processing.sqlite"

    @Option(name: .long, help: "The SQLite store file.")
    var store: String = ShopOptions.defaultStore
}
