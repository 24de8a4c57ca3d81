@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

extension SQLiteEventStore: StreamCatalog {
    public func streams(category: String?, after: StreamName?, limit: Int) async throws -> [StreamInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        // Each stream's last event gives its version and when it was last written.
        var lower: String?
        var upper: String?
        var arguments: [String: (any DatabaseValueConvertible)?] = [:]
        let bounds = category.map(SQLiteStreamQueries.bounds(ofCategory:))
        // Names compare by their UTF-8 bytes (BINARY collation).
        if let after, bounds.map({ after.description.utf8.lexicographicallyPrecedes($0.from.utf8) }) != true {
            lower = "stream > :lower"
            arguments["lower"] = after.description
        } else if let bounds {
            lower = "stream >= :lower"
            arguments["lower"] = bounds.from
        }
        if let bounds {
            upper = "stream < :upper"
            arguments["upper"] = bounds.before
        }
        // The recursion may take one row more than asked: it ends with a NULL name.
        arguments["limit"] = limit == Int.max ? -1 : limit + 1
        arguments["count"] = limit
        let sql = SQLiteStreamQueries.names(lower: lower, upper: upper, limited: true) + """
            SELECT names.stream, last.version, last.recorded_at
            FROM names JOIN chronicle_events AS last ON last.stream = names.stream
                AND last.version = (SELECT max(version) FROM chronicle_events WHERE stream = names.stream)
            ORDER BY names.stream LIMIT :count
            """
        let statementArguments = StatementArguments(arguments)
        return try await withMappedErrors {
            try await pool.read { db in
                var result: [StreamInfo] = []
                let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: statementArguments)
                while let row = try rows.next() {
                    result.append(
                        StreamInfo(
                            stream: try SQLiteRowDecoding.streamName(row[0]), version: row[1],
                            updatedAt: SQLiteRowDecoding.date(microseconds: row[2])))
                }
                return result
            }
        }
    }

    public func statistics() async throws -> StoreStatistics {
        try await withMappedErrors {
            try await pool.read { db in
                let events = try Int64.fetchOne(db, sql: "SELECT count(*) FROM chronicle_events") ?? 0
                let streams = try Int64.fetchOne(
                    db, sql: SQLiteStreamQueries.names(lower: nil, upper: nil, limited: false)
                        + "SELECT count(stream) FROM names") ?? 0
                let head = try Row.fetchOne(
                    db, sql: "SELECT position, recorded_at FROM chronicle_events ORDER BY position DESC LIMIT 1")
                return StoreStatistics(
                    eventCount: events, streamCount: streams, headPosition: GlobalPosition(head?[0] ?? 0),
                    headRecordedAt: head.map { SQLiteRowDecoding.date(microseconds: $0[1]) })
            }
        }
    }
}
