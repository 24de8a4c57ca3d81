public import Logging
public import Metrics

extension AggregateRepository {
    /// Settings of a repository.
    ///
    /// ```swift
    /// var options = AggregateRepository<Order>.Options()
    /// options.maximumRetries = 5      // re-run a command up to 5 more times on a conflict
    /// options.cacheCapacity = 1_000   // keep the 1,000 most recently used orders in memory
    /// let orders = try AggregateRepository<Order>(store: store, options: options)
    /// ```
    public struct Options: Sendable {
        /// How many times ``AggregateRepository/execute(_:context:maximumRetries:_:)``
        /// re-runs a command on fresh state after a version conflict; 0 (no retry) by default.
        public var maximumRetries: Int
        /// How many aggregates the in-memory cache keeps (least recently used go
        /// first); 0, the default, turns the cache off.
        public var cacheCapacity: Int
        /// Events read per page while replaying; 128 by default. (The first read
        /// of a replay takes at most 64, so that a short stream costs one small
        /// read; a longer one is read ahead a page per core, in parallel.)
        public var readPageSize: Int
        /// Where snapshot failures and fallbacks are logged.
        public var logger: Logger
        /// Where counters are reported; `nil` uses `MetricsSystem.factory`.
        public var metricsFactory: (any MetricsFactory)?

        /// Creates options.
        ///
        /// - Parameters:
        ///   - maximumRetries: Retries after a version conflict (at least 0).
        ///   - cacheCapacity: Aggregates kept in memory (0 for none).
        ///   - readPageSize: Events per read while replaying (at least 1).
        ///   - logger: The logger; label `chronicle.aggregates` by default.
        ///   - metricsFactory: The metrics backend; `MetricsSystem.factory` when `nil`.
        public init(
            maximumRetries: Int = 0, cacheCapacity: Int = 0, readPageSize: Int = 128,
            logger: Logger = Logger(label: "chronicle.aggregates"),
            metricsFactory: (any MetricsFactory)? = nil
        ) {
            self.maximumRetries = maximumRetries
            self.cacheCapacity = cacheCapacity
            self.readPageSize = readPageSize
            self.logger = logger
            self.metricsFactory = metricsFactory
        }

        func validate() throws {
            if maximumRetries < 0 || cacheCapacity < 0 || readPageSize < 1 {
                throw AggregateError(
                    code: .invalidConfiguration,
                    message: "repository options need maximumRetries >= 0 (got \(maximumRetries)), "
                        + "cacheCapacity >= 0 (got \(cacheCapacity)) and readPageSize >= 1 (got \(readPageSize))")
            }
        }
    }
}
