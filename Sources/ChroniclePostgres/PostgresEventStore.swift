@_spi(Implementing) public import Chronicle
internal import Foundation
public import Logging
internal import PostgresNIO

/// Chronicle's event store on PostgreSQL: one database shared by any number
/// of app servers, each with its own pool.
///
/// ```swift
/// let store = try await PostgresEventStore(url: "postgres://app:secret@localhost/orders")
/// try await store.append([event], to: try StreamName("order-42"), expecting: .noStream)
/// store.close()
/// ```
///
/// **Global order.** Positions are handed out under a transaction-scoped
/// advisory lock that is held until commit, so they become visible in
/// position order: a reader never sees position 11 while 10 can still
/// commit, and ``completePosition()`` is the head. A rolled-back append gives
/// its positions back, so positions are dense. Docs/PostgreSQL.md explains the
/// choice and its costs.
///
/// **Appends** from concurrent tasks are coalesced into one transaction (two
/// round trips and one commit for the batch); each call keeps its own
/// expected-version check, idempotency and errors.
///
/// **Waiting** for appends listens on the `chronicle_appends` channel: every
/// store sends one coalesced `NOTIFY` after its appends commit, so followers
/// in any process wake at once; polling remains as the fallback.
public final class PostgresEventStore: EventStore, Sendable {
    /// Where the store lives (the password masked in its description).
    public let configuration: PostgresConfiguration
    /// The store's settings.
    public let options: Options
    let database: PostgresDatabase
    let appendSignal = AppendSignal()
    let notifier: PostgresAppendNotifier
    let groupCommit: GroupCommitQueue<PostgresAppender.Request, [AppendResult]>
    private let lockSampler = Locked<Task<Void, Never>?>(nil)
    /// The logger stores use unless given one: warnings and errors only
    /// (postgres-nio reports every failed connection attempt at `info`).
    public static var defaultLogger: Logger {
        var logger = Logger(label: "chronicle.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Whether opening created the store's tables.
    public let wasCreated: Bool

    /// The store's settings.
    public struct Options: Sendable {
        /// The largest event (payload and metadata) an append accepts.
        public var maximumEventSize: Int
        /// Whether opening may create the tables in an empty database.
        public var createIfMissing: Bool
        /// Whether the store only reads: its connections start with
        /// `default_transaction_read_only=on`, so any write fails
        /// (`EventStoreError/Code/readOnly`), and opening neither creates nor
        /// migrates tables (a store that needs migrating is refused with
        /// `EventStoreError/Code/schemaTooOld`).
        public var readOnly: Bool
        /// How commits wait for the server's disk (default ``PostgresDurability/full``).
        public var durability: PostgresDurability
        /// Where the store logs (connections, notifications).
        public var logger: Logger
        /// The longest a waiting subscriber goes without checking the head
        /// itself, in case a notification was lost (default 500 ms).
        public var fallbackPollInterval: Duration
        /// How often the store samples the append lock's holder into metrics
        /// (``PostgresAppendLockStatus``); `nil` turns sampling off.
        public var lockMetricsInterval: Duration?

        /// Creates settings.
        ///
        /// ```swift
        /// let options = PostgresEventStore.Options(maximumEventSize: 256 * 1024)
        /// ```
        ///
        /// - Parameters:
        ///   - maximumEventSize: The largest event an append accepts.
        ///   - createIfMissing: Whether opening may create the tables.
        ///   - readOnly: Whether the store only reads (its sessions are read-only).
        ///   - durability: How commits wait for the server's disk.
        ///   - logger: Where the store logs.
        ///   - fallbackPollInterval: The longest pause between two checks of the head while waiting.
        ///   - lockMetricsInterval: How often the append lock is sampled into metrics.
        public init(
            maximumEventSize: Int = NewEvent.defaultMaximumSize, createIfMissing: Bool = true, readOnly: Bool = false,
            durability: PostgresDurability = .full, logger: Logger = PostgresEventStore.defaultLogger,
            fallbackPollInterval: Duration = .milliseconds(500), lockMetricsInterval: Duration? = .seconds(10)
        ) {
            self.fallbackPollInterval = fallbackPollInterval
            self.lockMetricsInterval = lockMetricsInterval
            self.maximumEventSize = maximumEventSize
            self.createIfMissing = createIfMissing
            self.readOnly = readOnly
            self.durability = durability
            self.logger = logger
        }

        /// The session settings every connection of the store starts with.
        var startupParameters: [(String, String)] {
            var parameters: [(String, String)] = []
            if readOnly { parameters.append(("default_transaction_read_only", "on")) }
            if let setting = durability.synchronousCommit { parameters.append(("synchronous_commit", setting)) }
            return parameters
        }
    }

    /// Opens the store at `url`, creating its tables in an empty database.
    ///
    /// ```swift
    /// let store = try await PostgresEventStore(url: "postgres://app@localhost/orders?sslmode=require")
    /// ```
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database` (see ``PostgresConfiguration/init(url:)``).
    ///   - options: The store's settings.
    /// - Throws: `EventStoreError`: `invalidArgument` for a bad URL;
    ///   `storageUnavailable` for a server that cannot be reached, a refused
    ///   login or a missing database; `notAChronicleStore` for a database
    ///   without the store's tables when `options` may not create them;
    ///   `schemaTooNew` for a newer schema; `schemaTooOld` for an older one
    ///   when `options` are read-only.
    public convenience init(url: String, options: Options = Options()) async throws {
        try await self.init(configuration: PostgresConfiguration(url: url), options: options)
    }

    /// Opens the store described by `configuration`.
    ///
    /// ```swift
    /// let store = try await PostgresEventStore(
    ///     configuration: PostgresConfiguration(host: "localhost", username: "app", password: nil, database: "orders"))
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: Where the store is.
    ///   - options: The store's settings.
    /// - Throws: As ``init(url:options:)``.
    public init(configuration: PostgresConfiguration, options: Options = Options()) async throws {
        self.configuration = configuration
        self.options = options
        let database = try await PostgresDatabase.open(
            configuration, startupParameters: options.startupParameters, logger: options.logger)
        do {
            wasCreated = try await PostgresSchema.migrate(
                database, create: options.createIfMissing && !options.readOnly, readOnly: options.readOnly,
                location: configuration)
        } catch {
            database.close()
            throw PostgresErrorMapping.map(error, location: configuration)
        }
        self.database = database
        let signal = appendSignal
        notifier = PostgresAppendNotifier(database: database, signal: signal)
        groupCommit = GroupCommitQueue(
            maximumBatch: 512, maximumWeight: 8_192, weight: { $0.eventCount },
            write: { [database] requests in
                // A task of its own: cancelling the leading caller must not fail the others' appends.
                await Task { await PostgresAppender.write(requests, in: database) }.value
            })
        if let interval = options.lockMetricsInterval {
            let sampler = PostgresLockMetrics.sample(self, every: interval)
            lockSampler.withLock { $0 = sampler }
        }
    }

    /// Closes the pool and stops listening. Calls after this fail.
    public func close() {
        lockSampler.withLock { $0.take() }?.cancel()
        notifier.stop()
        database.close()
    }

    /// The schema version of the store's tables.
    ///
    /// - Throws: A store error.
    public func schemaVersion() async throws -> Int {
        try await database.withConnection { connection in
            try await PostgresSchema.version(on: connection, logger: database.logger)
        }
    }

    /// Positions are dense: a rolled-back append gives its positions back.
    public var positionDensity: PositionDensity { .dense }

    /// Positions become visible in order (see the type's documentation), so
    /// the log is complete up to its head.
    public func completePosition() async throws -> GlobalPosition {
        try await headPosition()
    }

    /// Returns once the log may hold an event after `position`: woken by the
    /// `chronicle_appends` notification of any process, and polling the head
    /// as the fallback.
    ///
    /// - Parameter position: The last position the caller has seen.
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    public func waitForAppends(after position: GlobalPosition) async throws {
        notifier.startListening()
        try await pollForAppends(
            after: position, signal: appendSignal, maximumDelay: options.fallbackPollInterval)
    }
}
