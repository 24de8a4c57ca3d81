@_spi(Implementing) public import Chronicle
internal import GRDB

extension SQLiteEventStore {
    public func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        let sql: String
        switch direction {
        case .forward:
            sql = "SELECT \(SQLiteRowDecoding.columns) FROM chronicle_events "
                + "WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?"
        case .backward:
            sql = "SELECT \(SQLiteRowDecoding.columns) FROM chronicle_events "
                + "WHERE stream = ? AND version <= ? ORDER BY version DESC LIMIT ?"
        }
        let name = stream.description
        try Task.checkCancellation()
        return try await withMappedErrors {
            try await SQLiteConnections.readStatement(readers) { db in
                try SQLiteRowDecoding.records(
                    db.cachedStatement(sql: sql), arguments: [.text(name), .integer(version), .integer(Int64(limit))],
                    limit: limit)
            }
        }
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        var conditions = ["position >= ?"]
        var arguments: [SQLiteRowDecoding.Argument] = [.integer(position.rawValue)]
        if let categories = filter.categories {
            conditions.append("category IN (\(Self.placeholders(categories.count)))")
            arguments += categories.sorted().map { .text($0) }
        }
        if let streams = filter.streams {
            conditions.append("stream IN (\(Self.placeholders(streams.count)))")
            arguments += streams.map(\.description).sorted().map { .text($0) }
        }
        if let types = filter.eventTypes {
            conditions.append("type IN (\(Self.placeholders(types.count)))")
            arguments += types.sorted().map { .text($0) }
        }
        arguments.append(.integer(Int64(limit)))
        let statementArguments = arguments
        let sql = "SELECT \(SQLiteRowDecoding.columns) FROM chronicle_events WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY position LIMIT ?"
        // GRDB caches a statement per SQL text for the connection's life: filters
        // come in few shapes (a consumer's topics, a projection's types), so cache
        // them, but not a long list of streams, whose shapes could be many.
        let cacheable = arguments.count <= Self.cachedFilterArguments
        try Task.checkCancellation()
        return try await withMappedErrors {
            try await SQLiteConnections.readStatement(readers) { db in
                let statement = cacheable ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
                return try SQLiteRowDecoding.records(statement, arguments: statementArguments, limit: limit)
            }
        }
    }

    /// The most arguments a filtered read's statement may take and still be cached.
    static let cachedFilterArguments = 34

    public func streamVersion(_ stream: StreamName) async throws -> Int64 {
        let name = stream.description
        try Task.checkCancellation()
        return try await withMappedErrors {
            try await SQLiteConnections.readStatement(readers) { db in
                try Int64.fetchOne(
                    db.cachedStatement(sql: SQLiteStreamQueries.version),
                    arguments: [name]) ?? 0
            }
        }
    }

    public func headPosition() async throws -> GlobalPosition {
        try Task.checkCancellation()
        return try await withMappedErrors {
            try await SQLiteConnections.readStatement(readers) { db in
                GlobalPosition(
                    try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(position) FROM chronicle_events")) ?? 0)
            }
        }
    }

    private static func placeholders(_ count: Int) -> String {
        count == 0 ? "NULL" : Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
