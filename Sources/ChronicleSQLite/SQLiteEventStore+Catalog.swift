public import Chronicle
internal import Foundation
internal import GRDB

extension SQLiteEventStore: StreamCatalog {
    public func streams(category: String?, after: StreamName?, limit: Int) async throws -> [StreamInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let category {
            conditions.append("category = ?")
            arguments += [category]
        }
        if let after {
            conditions.append("stream > ?")
            arguments += [after.description]
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        // The primary key's BINARY collation orders names by their UTF-8 bytes.
        let sql = "SELECT stream, version, updated_at FROM chronicle_streams \(filter)ORDER BY stream LIMIT ?"
        let statementArguments = arguments
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
                let streams = try Int64.fetchOne(db, sql: "SELECT count(*) FROM chronicle_streams") ?? 0
                let head = try Row.fetchOne(
                    db, sql: "SELECT position, recorded_at FROM chronicle_events ORDER BY position DESC LIMIT 1")
                return StoreStatistics(
                    eventCount: events, streamCount: streams, headPosition: GlobalPosition(head?[0] ?? 0),
                    headRecordedAt: head.map { SQLiteRowDecoding.date(microseconds: $0[1]) })
            }
        }
    }
}
