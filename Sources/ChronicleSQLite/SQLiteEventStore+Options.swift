extension SQLiteEventStore {
    /// Settings of a SQLite store.
    ///
    /// ```swift
    /// var options = SQLiteEventStore.Options()
    /// options.durability = .normal
    /// options.maximumEventSize = 256 * 1024
    /// let store = try await SQLiteEventStore(path: "app.sqlite", options: options)
    /// ```
    public struct Options: Sendable {
        /// Commit durability; ``SQLiteDurability/full`` by default.
        public var durability: SQLiteDurability
        /// The largest data plus metadata of one event, in bytes (default 1 MiB).
        public var maximumEventSize: Int
        /// How long a write waits for another process holding the file's write
        /// lock before failing, in seconds (default 30). Writers in several
        /// processes take turns within this time instead of failing with
        /// "database is locked".
        public var busyTimeout: Double
        /// The most concurrent reader connections (default 4).
        public var maximumReaderCount: Int

        /// Creates options.
        ///
        /// - Parameters:
        ///   - durability: Commit durability.
        ///   - maximumEventSize: The largest event, in bytes.
        ///   - busyTimeout: Seconds to wait for another writer.
        ///   - maximumReaderCount: Concurrent reader connections.
        public init(
            durability: SQLiteDurability = .full, maximumEventSize: Int = 1 << 20, busyTimeout: Double = 30,
            maximumReaderCount: Int = 4
        ) {
            self.durability = durability
            self.maximumEventSize = maximumEventSize
            self.busyTimeout = busyTimeout
            self.maximumReaderCount = maximumReaderCount
        }
    }
}
