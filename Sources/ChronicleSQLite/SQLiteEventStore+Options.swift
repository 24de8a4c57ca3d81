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
        ///
        /// The waiting happens on a thread of the store's own, never on a thread
        /// of Swift's cooperative pool: an append or read first tries without
        /// waiting, on the calling thread, and only when the file is locked runs
        /// again elsewhere while the calling task is suspended. Other tasks of the
        /// process keep running meanwhile.
        public var busyTimeout: Double
        /// The most reader connections kept open between reads (default 4).
        /// More reads at once than this open connections of their own, closed
        /// when they finish; a load reads a long stream on one connection per core.
        public var maximumReaderCount: Int
        /// Store files up to this size, in bytes, are verified with SQLite's
        /// `PRAGMA quick_check` when opened (default 64 MiB; 0 turns it off).
        ///
        /// A damaged file is then refused with `EventStoreError/corruptStore`
        /// before anything writes to it. Larger files skip the check (it reads
        /// the whole file); damage in them surfaces as `corruptStore` on the read
        /// that meets it.
        public var integrityCheckLimit: Int
        /// Whether the file keeps an index of events by category (default `false`).
        ///
        /// Reads of the log filtered by category (`EventFilter(categories:)`,
        /// category subscriptions and projections) use it to skip the events of
        /// other categories. Without it they read the log from the asked position
        /// and filter as they go: as fast when the category is most of the log or
        /// the reader is caught up, slower for catching up on a rare category in a
        /// long log. Every append keeps the index up to date, which costs about a
        /// tenth to a fifth of an uncontended append.
        ///
        /// `true` builds the index when the store opens, if the file has none (one
        /// pass over the log). Once built it stays in the file, and is kept by
        /// every writer, whatever later openings ask, until
        /// ``SQLiteEventStore/setCategoryIndex(_:)`` or `chronicle category-index off`
        /// drops it.
        public var indexesCategories: Bool
        /// Whether the store is opened for reading only (default `false`).
        ///
        /// A read-only store never writes: it does not create, migrate or index
        /// the file, appends and other writes throw `EventStoreError/readOnly`,
        /// and closing it checkpoints nothing. On a store that was closed
        /// cleanly (no `-wal` file beside it) the file's bytes and its
        /// directory's listing are the same after the store closes as before
        /// it opened: besides its read-only connections it keeps one ordinary
        /// connection that only reads, opened first and closed last, which
        /// removes the `-wal` and `-shm` files the others needed. While a writer is using the file,
        /// the store reads through read-only connections and sees every
        /// committed event, as any reader does. A store whose schema is older
        /// than this Chronicle's is refused with `EventStoreError/schemaTooOld`.
        ///
        /// ```swift
        /// let store = try await SQLiteEventStore(path: "bank.sqlite", options: .init(readOnly: true))
        /// defer { try? store.close() }
        /// print(try await store.headPosition())
        /// ```
        public var readOnly: Bool

        /// Creates options.
        ///
        /// - Parameters:
        ///   - durability: Commit durability.
        ///   - maximumEventSize: The largest event, in bytes.
        ///   - busyTimeout: Seconds to wait for another writer.
        ///   - maximumReaderCount: Reader connections kept open between reads.
        ///   - integrityCheckLimit: The largest file verified when opened, in bytes.
        ///   - indexesCategories: Whether to build the category index when the file has none.
        ///   - readOnly: Whether the store only reads (nothing created, migrated or written).
        public init(
            durability: SQLiteDurability = .full, maximumEventSize: Int = 1 << 20, busyTimeout: Double = 30,
            maximumReaderCount: Int = 4, integrityCheckLimit: Int = 64 << 20, indexesCategories: Bool = false,
            readOnly: Bool = false
        ) {
            self.readOnly = readOnly
            self.durability = durability
            self.maximumEventSize = maximumEventSize
            self.busyTimeout = busyTimeout
            self.maximumReaderCount = maximumReaderCount
            self.integrityCheckLimit = integrityCheckLimit
            self.indexesCategories = indexesCategories
        }
    }
}
