internal import Chronicle
internal import GRDB

/// The optional index of events by category, built and dropped on demand
/// (see ``SQLiteEventStore/Options/indexesCategories``).
enum SQLiteCategoryIndex {
    static func exists(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'index' AND name = ?",
            arguments: [SQLiteSchema.categoryIndexName]) ?? false
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: SQLiteSchema.categoryIndexSQL)
    }

    static func drop(_ db: Database) throws {
        try db.execute(sql: SQLiteSchema.dropCategoryIndexSQL)
    }
}

extension SQLiteEventStore {
    /// Whether the file has the index of events by category.
    ///
    /// ```swift
    /// if try await !store.hasCategoryIndex() { try await store.setCategoryIndex(true) }
    /// ```
    ///
    /// - Returns: `true` when category reads use the index.
    /// - Throws: `EventStoreError` on a storage failure.
    public func hasCategoryIndex() async throws -> Bool {
        try await withMappedErrors { try await pool.read(SQLiteCategoryIndex.exists) }
    }

    /// Builds (`true`) or drops (`false`) the index of events by category; a
    /// no-op when the file already is that way.
    ///
    /// Building reads the whole log once and holds the write lock while it does
    /// (appends wait); dropping is quick. Either way no event changes, and
    /// category reads return the same events with or without it.
    ///
    /// ```swift
    /// try await store.setCategoryIndex(false)   // appends no longer maintain it
    /// ```
    ///
    /// - Parameter indexed: Whether the file should have the index.
    /// - Throws: `EventStoreError` on a storage failure (nothing changes then).
    public func setCategoryIndex(_ indexed: Bool) async throws {
        try await withMappedErrors {
            try await pool.write(indexed ? SQLiteCategoryIndex.create : SQLiteCategoryIndex.drop)
        }
    }
}
