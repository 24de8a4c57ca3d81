import ArgumentParser
import Chronicle
import ChronicleCLI
import OrderDomain

/// The root command: `order-processing demo|serve|seed|place|orders|projections|...`.
struct OrderProcessingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order-processing",
        abstract: "The Chronicle order-processing sample: four services and a checkout saga over the bus.",
        discussion: ChronicleCommands.discussion(
            """
            Orders, Payments, Inventory and Notifications each own their aggregates and publish to their
            topic; a checkout saga requests payment and stock, then confirms the order or cancels and
            compensates. `demo` runs everything in one process; `serve` runs one service, so several
            processes on one store make the same system.

            Every command takes --store LOCATION: a SQLite file (a bare path or sqlite:PATH) or a PostgreSQL
            database (postgres://USER:PASSWORD@HOST:PORT/DATABASE), else $CHRONICLE_STORE, else
            order-processing.sqlite in the current directory.

            Examples:
              order-processing demo --orders 500 --failure-rate 0.2
              order-processing demo --store postgres://shop:secret@localhost:5432/shop
              order-processing seed
              order-processing serve --service saga
              order-processing place --customer ada --item TEA-GREEN:2 --item MUG-BLUE:1
              order-processing orders --status confirmed --json
              order-processing projections status
              order-processing projections rebuild --all --yes
            """),
        subcommands: [
            DemoCommand.self, ServeCommand.self, SeedCommand.self, PlaceCommand.self, OrdersCommand.self,
        ] + ChronicleCommands.storeCommands(projections: ShopProjections.self))
}

/// The sample's read models, for the embedded `projections`, `stats` and `dlq`
/// commands: on a SQLite or a PostgreSQL store, in the store's own database.
enum ShopProjections: ProjectionCatalog {
    static func projections(in store: any EventStore) async throws -> [any RunnableProjection] {
        try ShopServices.projections(store: store, registry: try ShopRegistry.make())
    }
}
