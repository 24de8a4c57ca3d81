public import ArgumentParser
public import Chronicle
internal import Foundation

/// The `--store` option every command that opens a store shares.
///
/// Without `--store`, the `CHRONICLE_STORE` environment variable names the
/// store. Embed it in an app's own commands with `@OptionGroup`:
///
/// ```swift
/// struct Replay: AsyncParsableCommand {
///     @OptionGroup var storeOptions: StoreOptions
///     mutating func run() async throws {
///         let opened = try await storeOptions.open(.existing)
///         defer { opened.close() }
///         // …
///     }
/// }
/// ```
public struct StoreOptions: ParsableArguments, Sendable {
    /// The environment variable read when `--store` is not given.
    public static let environmentVariable = "CHRONICLE_STORE"

    /// The store location as given, if any.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store: sqlite:PATH (or a bare path), or postgres://USER:PASSWORD@HOST:PORT/DATABASE where the tool "
                + "ships PostgreSQL. Defaults to $CHRONICLE_STORE.",
            valueName: "location"))
    public var store: String?

    /// Creates options for ArgumentParser, which fills them from the arguments.
    public init() {}

    /// Creates options naming a store, for code that opens stores without parsing arguments.
    ///
    /// ```swift
    /// let opened = try await StoreOptions(store: "sqlite:events.sqlite").open(.existing)
    /// ```
    ///
    /// - Parameter store: The location as written after `--store`, or `nil` to use `CHRONICLE_STORE`.
    public init(store: String?) {
        self.store = store
    }

    /// The store location: `--store`, else `CHRONICLE_STORE`.
    ///
    /// ```swift
    /// let location = try storeOptions.location()
    /// ```
    ///
    /// - Parameter environment: The environment to read; `nil` (the default) for the process's.
    /// - Returns: The parsed location.
    /// - Throws: ``CommandError`` (bad input) when neither names a store or the
    ///   location is invalid.
    public func location(environment: [String: String]? = nil) throws -> StoreLocation {
        if let store { return try StoreLocation(parsing: store) }
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try StoreLocation(parsing: fromEnvironment)
        }
        throw CommandError(
            .badInput, "no store given: pass --store sqlite:PATH or set \(Self.environmentVariable)")
    }

    /// Opens the store named by `--store` or `CHRONICLE_STORE`.
    ///
    /// ```swift
    /// let opened = try await storeOptions.open(.existing)
    /// ```
    ///
    /// - Parameter access: Whether the store must already exist.
    /// - Returns: The open store.
    /// - Throws: ``CommandError`` for a missing location or store file, an
    ///   location no registered backend takes; ``Chronicle/EventStoreError`` for a
    ///   missing store that must exist, and when the store cannot be opened.
    public func open(_ access: StoreAccess) async throws -> OpenedStore {
        try await OpenedStore.open(try location(), access: access)
    }
}
