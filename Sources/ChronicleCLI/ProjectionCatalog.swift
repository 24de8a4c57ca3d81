public import Chronicle
public import ChronicleSQLite

/// The projections an app registers with its command-line tool, so that the
/// embedded commands can list, rebuild, reset and catch them up, report their
/// lag with their own filters, and retry their dead letters with their handlers.
///
/// The standalone `chronicle` tool knows no projection code: it sees only
/// checkpoints and dead letters. An app's own tool names a catalog in
/// ``ChronicleCommands/storeCommands(projections:)`` and gets `projections`
/// and a `dlq retry` that works:
///
/// ```swift
/// import ArgumentParser
/// import Chronicle
/// import ChronicleCLI
/// import ChronicleSQLite
///
/// enum ShopProjections: ProjectionCatalog {
///     static func projections(in store: SQLiteEventStore) async throws -> [any RunnableProjection] {
///         [store.exactlyOnce(OrderTotals()), store.atLeastOnce(Mailer())]
///     }
/// }
///
/// struct ShopAdmin: AsyncParsableCommand {
///     static let configuration = CommandConfiguration(
///         commandName: "shop-admin",
///         subcommands: ChronicleCommands.storeCommands(projections: ShopProjections.self))
/// }
///
/// await CommandRunner.main(ShopAdmin.self)
/// ```
///
/// Each command calls ``projections(in:)`` once, on the store it opened, and
/// runs the projections in its own process: stop the app's projection runner
/// before a rebuild, a reset or a retry, as two processes applying the same
/// projection at once would apply events twice.
public protocol ProjectionCatalog: Sendable {
    /// Makes the app's projections on an open store, each with a unique name.
    ///
    /// - Parameter store: The store the command opened (`--store` or `CHRONICLE_STORE`).
    /// - Returns: The projections, in the order the commands list them.
    /// - Throws: Anything: the command fails with the error on one line.
    static func projections(in store: SQLiteEventStore) async throws -> [any RunnableProjection]
}

/// The catalog of the standalone tool: no projections.
enum NoProjectionCatalog: ProjectionCatalog {
    static func projections(in store: SQLiteEventStore) async throws -> [any RunnableProjection] { [] }
}
