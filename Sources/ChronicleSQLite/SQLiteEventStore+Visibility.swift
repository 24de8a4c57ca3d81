@_spi(Implementing) public import Chronicle

extension SQLiteEventStore {
    /// The head: SQLite has one writer at a time, and an append takes its
    /// positions inside its write transaction, so commit order is position order
    /// and no lower position can appear after a higher one is visible (this holds
    /// across processes sharing the file: they take turns for the write lock).
    ///
    /// - Returns: The head position.
    /// - Throws: `EventStoreError` on a storage failure.
    public func completePosition() async throws -> GlobalPosition {
        try await headPosition()
    }

    /// `.dense`: positions come from `AUTOINCREMENT` inside the write transaction;
    /// a rolled-back append rolls its sequence back too, and imports keep
    /// positions only when they continue the log.
    public var positionDensity: PositionDensity { .dense }

    /// The highest position this instance committed (its appends and those of
    /// no other process or instance): commits are complete in position order.
    public var knownCompletePosition: GlobalPosition { appendSignal.committed }
}
