public import Chronicle

/// The projections an app registers with its command-line tool, so that the
/// embedded commands can list, rebuild, reset and catch them up, report their
/// lag with their own filters, and retry their dead letters with their handlers.
///
/// The standalone `chronicle` tool knows no projection code: it sees only
/// checkpoints and dead letters. An app's own tool names a catalog in
/// ``ChronicleCommands/storeCommands(projections:)`` and gets `projections`
/// and a `dlq retry` that works.
///
/// A catalog is bound to the store type its projections are built on
/// (``Store``, inferred from ``projections(in:)``): a SQLite app's catalog
/// receives the `SQLiteEventStore` it needs for `store.exactlyOnce(...)`. A
/// command given a location of another backend fails with one line (exit
/// status 1) before it runs any projection.
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
/// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend()])
/// ```
///
/// Each command calls ``projections(in:)`` once, on the store it opened, and
/// runs the projections in its own process: stop the app's projection runner
/// before a rebuild, a reset or a retry, as two processes applying the same
/// projection at once would apply events twice.
public protocol ProjectionCatalog: Sendable {
    /// The store the projections are built on: a backend's concrete event
    /// store (`SQLiteEventStore`), or `any EventStore` for projections that
    /// run on any backend. A command hands the catalog the store it opened
    /// (``OpenedStore/store``, else ``OpenedStore/opened``) as this type.
    associatedtype Store: Sendable

    /// Makes the app's projections on an open store, each with a unique name.
    ///
    /// - Parameter store: The store the command opened (`--store` or `CHRONICLE_STORE`).
    /// - Returns: The projections, in the order the commands list them.
    /// - Throws: Anything: the command fails with the error on one line.
    static func projections(in store: Store) async throws -> [any RunnableProjection]
}

extension ProjectionCatalog {
    /// The opened store as the catalog's ``Store``; a store of another backend
    /// is a failure that names both.
    static func store(in opened: OpenedStore) throws -> Store {
        if let store = opened.store as? Store { return store }
        if let store = opened.opened as? Store { return store }
        throw CommandError(
            .failure,
            "this tool's projections run on \(Store.self) stores, not on the \(opened.backend.name) "
                + "backend's '\(opened.location)'")
    }
}

/// The catalog of the standalone tool: no projections, on any backend.
enum NoProjectionCatalog: ProjectionCatalog {
    static func projections(in store: any EventStore) async throws -> [any RunnableProjection] { [] }
}
