public import Logging
public import Metrics

extension AggregateRepository {
    /// Settings of a repository.
    ///
    /// The defaults retry a command that meets a version conflict up to 10 more
    /// times, waiting a random time between 0 and 2 ms before the first retry,
    /// 0 to 4 ms before the second, and so on, doubling up to 100 ms ("full
    /// jitter", so that writers that collided once do not collide again in
    /// step). A command that meets no conflict never waits.
    ///
    /// ```swift
    /// var options = AggregateRepository<Order>.Options()
    /// options.maximumRetries = 3      // re-run a command up to 3 more times on a conflict (default 10)
    /// options.maximumRetryDelay = .milliseconds(20)
    /// options.cacheCapacity = 1_000   // keep the 1,000 most recently used orders in memory
    /// let orders = try AggregateRepository<Order>(store: store, options: options)
    /// ```
    public struct Options: Sendable {
        /// How many times ``AggregateRepository/execute(_:context:maximumRetries:_:)``
        /// re-runs a command on fresh state after a version conflict; 10 by default
        /// (0 turns retrying off).
        ///
        /// Measured on the 2-core development machine with a SQLite file, 20
        /// rounds of 8 concurrent commands on one aggregate: none failed with
        /// the defaults (slowest round 26 ms; 16 commands: none, 53 ms); with no
        /// retry 135 of 160 failed, with 5 retries and no wait 8 of 160 (105 of
        /// 320 with 16 commands).
        /// After the last retry the command throws
        /// ``AggregateError/concurrencyConflict``.
        public var maximumRetries: Int
        /// The longest random wait before the first retry (default 2 ms); each
        /// later retry's longest wait doubles, up to ``maximumRetryDelay``. The
        /// wait is drawn uniformly from zero to that bound (full jitter).
        public var retryDelay: Duration
        /// The bound the retry waits grow to (default 100 ms).
        public var maximumRetryDelay: Duration
        /// How many aggregates the in-memory cache keeps (least recently used go
        /// first); 0, the default, turns the cache off.
        public var cacheCapacity: Int
        /// Whether commands on one aggregate through this repository wait their
        /// turn, in arrival order, instead of running at once and retrying on
        /// the version conflicts they cause each other; off by default.
        ///
        /// For hot aggregates that many concurrent commands touch (a product's
        /// stock in every order): together with the cache, each command then
        /// runs once on the state the previous one left, with no read and no
        /// conflict. Commands on different aggregates still run at once, and
        /// writers elsewhere (another repository, another process) still meet
        /// version conflicts, retried as usual. Waiting suspends the task; it
        /// parks no thread. A command must not run another command on the same
        /// aggregate through the same repository: it would wait for itself.
        public var queuesCommands = false
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
        ///   - maximumRetries: Retries after a version conflict (at least 0; default 10).
        ///   - retryDelay: The longest wait before the first retry (default 2 ms).
        ///   - maximumRetryDelay: The longest wait before any retry (default 100 ms).
        ///   - cacheCapacity: Aggregates kept in memory (0 for none).
        ///   - readPageSize: Events per read while replaying (at least 1).
        ///   - logger: The logger; label `chronicle.aggregates` by default.
        ///   - metricsFactory: The metrics backend; `MetricsSystem.factory` when `nil`.
        public init(
            maximumRetries: Int = 10, retryDelay: Duration = .milliseconds(2),
            maximumRetryDelay: Duration = .milliseconds(100), cacheCapacity: Int = 0, readPageSize: Int = 128,
            logger: Logger = Logger(label: "chronicle.aggregates"),
            metricsFactory: (any MetricsFactory)? = nil
        ) {
            self.maximumRetries = maximumRetries
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
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
            if retryDelay < .zero || maximumRetryDelay < .zero {
                throw AggregateError(
                    code: .invalidConfiguration,
                    message: "repository options need retry delays >= 0 (got \(retryDelay) and \(maximumRetryDelay))")
            }
        }

        /// The random wait before retry number `retry` (1 for the first):
        /// uniform between zero and `retryDelay * 2^(retry-1)`, capped at
        /// `maximumRetryDelay`.
        func delay(beforeRetry retry: Int) -> Duration {
            let nanoseconds =
                ExponentialBackoff.bound(initial: retryDelay, cap: maximumRetryDelay, afterAttempt: retry) * 1e9
            guard nanoseconds >= 1 else { return .zero }
            return .nanoseconds(Int64(Double.random(in: 0...nanoseconds)))
        }
    }
}
