/// A backend `chronicle bench` can measure: it creates fresh stores with a
/// chosen durability, removes them, and counts events in an exactly-once
/// projection of its own database.
///
/// The workloads themselves run against ``EventStore`` and the aggregate API;
/// only what differs per backend (settings, fresh stores, a read model in the
/// store's own database) is asked of the backend.
///
/// ```swift
/// if let bench = backend as? any StoreBenchmarking, try await !bench.storeExists(at: location) {
///     let store = try await bench.openForBenchmark(location, durability: bench.durabilities[0])
///     store.close()
///     await bench.removeStore(at: location)
/// }
/// ```
public protocol StoreBenchmarking: StoreBackend {
    /// The durability settings the backend's stores take, the default first
    /// (SQLite and PostgreSQL: `full`, `normal`).
    var durabilities: [String] { get }

    /// The version of the database engine under the backend (SQLite's library
    /// version, the PostgreSQL server's), printed with the figures.
    ///
    /// - Parameter location: Where the bench's stores go (a server's URL
    ///   names the server asked).
    /// - Returns: The version, or `nil` when unknown.
    func engineVersion(at location: StoreLocation) async -> String?

    /// A location for fresh stores inside a temporary directory, or `nil`
    /// for a backend whose stores need a server the user names (`--store`).
    ///
    /// - Parameter directory: An empty directory the bench removes afterwards.
    /// - Returns: A location in it, or `nil`.
    func temporaryLocation(in directory: String) -> StoreLocation?

    /// Whether a store (or anything else) is already at a location: the bench
    /// refuses to overwrite it.
    ///
    /// - Parameter location: A location of this backend.
    /// - Returns: `true` when something is there.
    /// - Throws: ``EventStoreError`` when the location cannot be checked (a
    ///   server that cannot be reached or refuses the login).
    func storeExists(at location: StoreLocation) async throws -> Bool

    /// Removes the store at a location with everything it keeps beside it;
    /// errors are ignored. (A backend may leave alone what
    /// ``openForBenchmark(_:durability:)`` did not create.) Runs to the end even
    /// when the calling task is cancelled (Ctrl-C), so nothing is left behind.
    ///
    /// - Parameter location: A location of this backend.
    func removeStore(at location: StoreLocation) async

    /// Opens (creating) a store for a workload.
    ///
    /// - Parameters:
    ///   - location: Where.
    ///   - durability: One of ``durabilities``.
    /// - Returns: The open store.
    /// - Throws: ``EventStoreError`` when it cannot be created.
    func openForBenchmark(_ location: StoreLocation, durability: String) async throws -> any BackendStore

    /// An exactly-once projection counting events per type in a table of the
    /// store's own database, and how to read its total.
    ///
    /// - Parameter store: A store this backend opened.
    /// - Returns: The projection and its total.
    /// - Throws: ``EventStoreError`` when the store is not this backend's.
    func eventCounter(on store: any BackendStore) throws -> BenchmarkEventCounter
}

/// An exactly-once projection that counts events, with a way to read its
/// count: what the `projection-rebuild` workload rebuilds.
///
/// ```swift
/// let counter = try bench.eventCounter(on: store)
/// let runner = try ProjectionRunner(store: store.events, projections: [counter.projection])
/// try await runner.rebuild(counter.projection.name)
/// print(try await counter.total())
/// ```
public struct BenchmarkEventCounter: Sendable {
    /// The projection to run.
    public let projection: any RunnableProjection
    /// The number of events it has counted.
    public let total: @Sendable () async throws -> Int

    /// Creates a counter.
    ///
    /// - Parameters:
    ///   - projection: The projection to run.
    ///   - total: Reads the number of events it has counted.
    public init(projection: any RunnableProjection, total: @escaping @Sendable () async throws -> Int) {
        self.projection = projection
        self.total = total
    }
}
