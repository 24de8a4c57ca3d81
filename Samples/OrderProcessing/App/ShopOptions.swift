import ArgumentParser
import Chronicle
import ChronicleCLI
import ChroniclePostgres
import ChronicleSQLite
import Foundation
import OrderDomain

/// The store option every command shares: a SQLite file or a PostgreSQL
/// database, written as for the `chronicle` tool and opened through the
/// backends `main.swift` registers.
struct ShopOptions: ParsableArguments {
    static let defaultStore = "order-processing.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: a SQLite file (a bare path or sqlite:PATH) or postgres://USER:PASSWORD@HOST:PORT/DATABASE. "
                + "Defaults to $CHRONICLE_STORE, else \(ShopOptions.defaultStore).",
            valueName: "location"))
    var store: String?

    /// The store as written: `--store`, else `CHRONICLE_STORE`, else the sample's file.
    var storeText: String {
        if let store { return store }
        if let fromEnvironment = ProcessInfo.processInfo.environment[StoreOptions.environmentVariable],
            !fromEnvironment.isEmpty
        {
            return fromEnvironment
        }
        return Self.defaultStore
    }

    /// The parsed location (its description masks a password).
    ///
    /// - Throws: `CommandError` for a location no registered backend takes.
    func location() throws -> StoreLocation {
        try StoreLocation(parsing: storeText)
    }

    /// Opens the store.
    ///
    /// - Parameters:
    ///   - access: `.existing` for commands that only read what others wrote,
    ///     `.createIfMissing` for those that may start a store.
    ///   - durability: `full` or `normal` for the backend's commits; `nil` for the backend's default.
    /// - Returns: The open store; `close()` it when done.
    /// - Throws: `CommandError` for a bad location; `EventStoreError` for a
    ///   store that is missing (when it must exist), unreachable or refuses the login.
    func open(_ access: StoreAccess, durability: String? = nil) async throws -> OpenedStore {
        let location = try location()
        var registry = StoreBackendRegistry.current
        if let durability {
            var sqlite = SQLiteEventStore.Options()
            sqlite.durability = SQLiteDurability(rawValue: durability) ?? .normal
            var postgres = PostgresEventStore.Options()
            postgres.durability = PostgresDurability(rawValue: durability) ?? .normal
            registry = StoreBackendRegistry([SQLiteBackend(options: sqlite), PostgresBackend(options: postgres)])
        }
        return try await registry.open(location, access: access)
    }
}
