@_spi(Implementing) public import Chronicle
internal import Foundation
internal import PostgresNIO

extension PostgresEventStore: StreamCatalog {
    /// Lists streams in byte order of their names, a page at a time (see
    /// `StreamCatalog/streams(category:after:limit:)`).
    ///
    /// Skips from one stream to the next through the (stream, version) index,
    /// so a page costs a few index seeks per stream, however long the streams.
    public func streams(category: String?, after: StreamName?, limit: Int) async throws -> [StreamInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        // A category's streams sort between "category-" and "category." ('.' follows '-').
        var lower = after?.description ?? ""
        var lowerInclusive = false
        var upper: String?
        if let category {
            let from = category + "-"
            if lower.utf8.lexicographicallyPrecedes(from.utf8) {
                lower = from
                lowerInclusive = true
            }
            upper = category + "."
        }
        var binds = PostgresBindings()
        binds.append(lower)
        let lowerTest = lowerInclusive ? "stream >= $1" : "stream > $1"
        var upperTest = ""
        if let upper {
            binds.append(upper)
            upperTest = " AND stream < $2"
        }
        binds.append(Int64(min(limit, Int(Int32.max))))
        let sql = """
            WITH RECURSIVE names(stream) AS (
                (SELECT stream FROM chronicle_events WHERE \(lowerTest)\(upperTest) ORDER BY stream LIMIT 1)
                UNION ALL
                SELECT (SELECT e.stream FROM chronicle_events e
                        WHERE e.stream > names.stream\(upperTest.replacingOccurrences(of: "stream", with: "e.stream"))
                        ORDER BY e.stream LIMIT 1)
                FROM names WHERE names.stream IS NOT NULL
            )
            SELECT names.stream, last.version, last.recorded_at
            FROM names CROSS JOIN LATERAL (
                SELECT version, recorded_at FROM chronicle_events
                WHERE stream = names.stream ORDER BY version DESC LIMIT 1
            ) AS last
            WHERE names.stream IS NOT NULL
            LIMIT $\(binds.count)
            """
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        try Task.checkCancellation()
        return try await database.withConnection { connection in
            var result: [StreamInfo] = []
            let rows = try await connection.query(query, logger: database.logger)
            for try await (stream, version, recordedAt) in rows.decode((String, Int64, Int64).self) {
                result.append(
                    StreamInfo(
                        stream: try PostgresRowDecoding.streamName(stream), version: version,
                        updatedAt: PostgresTime.date(recordedAt)))
            }
            return result
        }
    }

    /// Counts events and streams and reads the head (see `StreamCatalog/statistics()`).
    public func statistics() async throws -> StoreStatistics {
        try Task.checkCancellation()
        return try await database.withConnection { connection in
            let logger = database.logger
            var events: Int64 = 0
            var streams: Int64 = 0
            var head: (Int64, Int64)?
            for try await (value) in try await connection.query(
                "SELECT count(*) FROM chronicle_events", logger: logger
            ).decode(Int64.self) {
                events = value
            }
            for try await value in try await connection.query(
                """
                WITH RECURSIVE names(stream) AS (
                    (SELECT stream FROM chronicle_events ORDER BY stream LIMIT 1)
                    UNION ALL
                    SELECT (SELECT e.stream FROM chronicle_events e WHERE e.stream > names.stream
                            ORDER BY e.stream LIMIT 1)
                    FROM names WHERE names.stream IS NOT NULL
                )
                SELECT count(stream) FROM names
                """, logger: logger
            ).decode(Int64.self) {
                streams = value
            }
            for try await row in try await connection.query(
                "SELECT position, recorded_at FROM chronicle_events ORDER BY position DESC LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                head = row
            }
            return StoreStatistics(
                eventCount: events, streamCount: streams, headPosition: GlobalPosition(head?.0 ?? 0),
                headRecordedAt: head.map { PostgresTime.date($0.1) })
        }
    }
}
