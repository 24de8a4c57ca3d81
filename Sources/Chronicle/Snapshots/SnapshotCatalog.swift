/// A snapshot store that can list which streams have a snapshot, for tools and
/// operations (`chronicle snapshots list`).
///
/// ``SnapshotStore`` reads and writes one stream's snapshot; a catalog answers
/// "which streams have one, at which version?" without reading their states.
/// It is a capability: the repository never needs it, so a snapshot store may
/// leave it out, and tools say so when it is missing. Listing is paged like
/// ``StreamCatalog``: streams in the byte order of their UTF-8 names, with the
/// last stream of one page as the cursor of the next.
///
/// ```swift
/// if let catalog = snapshots as? any SnapshotCatalog {
///     var after: StreamName?
///     repeat {
///         let page = try await catalog.snapshots(category: "order", after: after, limit: 500)
///         for info in page { print(info.stream, info.version) }
///         after = page.count == 500 ? page.last?.stream : nil
///     } while after != nil
/// }
/// ```
///
/// ## Implementation requirements
/// - ``snapshots(category:after:limit:)`` returns one entry per stream with a
///   snapshot (the stored one: the version ``SnapshotStore/latestSnapshot(for:)``
///   returns), ordered by the UTF-8 bytes of the streams' written names,
///   strictly after `after` when given, at most `limit` of them; `size` is the
///   byte count of the state and `createdAt` as ``SnapshotStore/latestSnapshot(for:)``
///   returns it. A deleted snapshot is not listed.
/// - A `limit` below 1 throws ``EventStoreError/invalidArgument``; an invalid
///   category throws ``EventStoreError/invalidStreamName``.
/// - Run `SnapshotStoreConformance.catalogChecks` from `ChronicleTesting`
///   beside its `checks`. ``InMemorySnapshotStore`` and `SQLiteSnapshotStore`
///   are catalogs.
public protocol SnapshotCatalog: SnapshotStore {
    /// Lists the streams that have a snapshot, optionally of one category, in
    /// name order, one page at a time.
    ///
    /// ```swift
    /// let firstPage = try await snapshots.snapshots(category: nil, after: nil, limit: 100)
    /// let nextPage = try await snapshots.snapshots(category: nil, after: firstPage.last?.stream, limit: 100)
    /// ```
    ///
    /// - Parameters:
    ///   - category: Only streams of this category, or `nil` for all.
    ///   - after: Only streams whose name sorts after this one (the cursor), or `nil` to start.
    ///   - limit: The most snapshots to return (at least 1).
    /// - Returns: Up to `limit` snapshots' information, ordered by the UTF-8 bytes of their streams' names.
    /// - Throws: ``EventStoreError`` for a limit below 1, an invalid category or a storage failure.
    func snapshots(category: String?, after: StreamName?, limit: Int) async throws -> [SnapshotInfo]
}
