public import GRDB

extension SQLiteEventStore {
    /// Runs a read-only closure on one of the store's reader connections: the way
    /// to query read models that projections keep in the store's database.
    ///
    /// The closure sees a consistent snapshot of the database (it runs in a read
    /// transaction) and may not write.
    ///
    /// ```swift
    /// let paid = try await store.read { db in
    ///     try Int.fetchOne(db, sql: "SELECT count(*) FROM order_summary WHERE status = 'paid'") ?? 0
    /// }
    /// ```
    ///
    /// - Parameter body: The query.
    /// - Returns: What `body` returns.
    /// - Throws: `EventStoreError` for storage failures; errors thrown by `body` pass through.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withMappedErrors { try await pool.read(body) }
    }
}
