/// An event store that can list its streams and count what it holds, for tools
/// and operations (the `chronicle` command-line tool, dashboards).
///
/// ``EventStore`` reads events; a catalog answers "which streams exist?" without
/// reading the log. Streams are listed in the byte order of their UTF-8 names
/// and paged with a cursor: pass the last stream of one page as `after` to get
/// the next.
///
/// ```swift
/// var after: StreamName?
/// repeat {
///     let page = try await store.streams(category: "order", after: after, limit: 500)
///     for info in page { print(info.stream, info.version) }
///     after = page.count == 500 ? page.last?.stream : nil
/// } while after != nil
/// ```
///
/// ## Implementation requirements
/// - ``streams(category:after:limit:)`` returns only streams with at least one
///   event, ordered by the UTF-8 bytes of their written names, strictly after
///   `after` when given, at most `limit` of them. `updatedAt` is the recorded-at
///   time of the stream's last event.
/// - A `limit` below 1 throws ``EventStoreError/invalidArgument``; an invalid
///   category throws ``EventStoreError/invalidStreamName``.
/// - ``statistics()`` counts events and non-empty streams and reports the head.
/// - Run `EventStoreConformance` from `ChronicleTesting`: its catalog checks are
///   the executable form of these rules.
public protocol StreamCatalog: EventStore {
    /// Lists streams, optionally of one category, in name order, one page at a time.
    ///
    /// ```swift
    /// let firstPage = try await store.streams(category: nil, after: nil, limit: 100)
    /// let nextPage = try await store.streams(category: nil, after: firstPage.last?.stream, limit: 100)
    /// ```
    ///
    /// - Parameters:
    ///   - category: Only streams of this category, or `nil` for all.
    ///   - after: Only streams whose name sorts after this one (the cursor), or `nil` to start.
    ///   - limit: The most streams to return (at least 1).
    /// - Returns: Up to `limit` streams, ordered by the UTF-8 bytes of their names.
    /// - Throws: ``EventStoreError`` for a limit below 1, an invalid category or a storage failure.
    func streams(category: String?, after: StreamName?, limit: Int) async throws -> [StreamInfo]

    /// Counts the store's events and streams and reports its head.
    ///
    /// ```swift
    /// let statistics = try await store.statistics()
    /// ```
    ///
    /// - Returns: The store's counts.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func statistics() async throws -> StoreStatistics
}

extension StreamName {
    /// Whether this name sorts before `other` in the catalog's order: the
    /// byte order of the UTF-8 written names (SQLite's `BINARY` collation).
    ///
    /// ```swift
    /// let sorted = names.sorted { $0.precedesInCatalog($1) }
    /// ```
    ///
    /// - Parameter other: The name to compare with.
    /// - Returns: `true` when this name's UTF-8 bytes sort first.
    public func precedesInCatalog(_ other: StreamName) -> Bool {
        description.utf8.lexicographicallyPrecedes(other.description.utf8)
    }
}
