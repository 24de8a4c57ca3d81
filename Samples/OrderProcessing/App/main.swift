// order-processing: the Chronicle sample app. See Samples/OrderProcessing/README.md.
import ChronicleCLI
import ChroniclePostgres
import ChronicleSQLite
import Foundation

// The embedded store commands (projections, stats, dlq, ...) read the store from
// --store or CHRONICLE_STORE; default them to the sample's file like its own commands.
if ProcessInfo.processInfo.environment[StoreOptions.environmentVariable] == nil {
    setenv(StoreOptions.environmentVariable, ShopOptions.defaultStore, 0)
}

await CommandRunner.main(OrderProcessingCommand.self, backends: [SQLiteBackend(), PostgresBackend()])
