@_spi(Implementing) public import Chronicle
internal import PostgresNIO

extension PostgresEventStore {
    /// Appends to one or more streams atomically (see `EventStore/append(_:)`).
    ///
    /// - Parameter appends: The streams' events and expectations.
    /// - Returns: One result per append, in order.
    /// - Throws: `EventStoreError`: `wrongExpectedVersion`, `duplicateEvent`,
    ///   `invalidEvent`, `eventTooLarge`, or `storageUnavailable`.
    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        let prepared = try AppendValidation.prepare(appends, maximumEventSize: options.maximumEventSize)
        guard !appends.isEmpty else { return [] }
        try Task.checkCancellation()
        let results = try await groupCommit.submit(PostgresAppender.Request(appends: appends, prepared: prepared))
        if results.contains(where: { $0.positions != nil }) {
            appendSignal.signal()
            notifier.appended()
        }
        return results
    }

    public func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        let name = stream.description
        let query: PostgresQuery
        switch direction {
        case .forward:
            query = """
                SELECT \(unescaped: PostgresRowDecoding.columns) FROM chronicle_events
                WHERE stream = \(name) AND version >= \(version) ORDER BY version LIMIT \(Int64(limit))
                """
        case .backward:
            query = """
                SELECT \(unescaped: PostgresRowDecoding.columns) FROM chronicle_events
                WHERE stream = \(name) AND version <= \(version) ORDER BY version DESC LIMIT \(Int64(limit))
                """
        }
        return try await read(query)
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        var binds = PostgresBindings()
        binds.append(position.rawValue)
        var sql = "SELECT \(PostgresRowDecoding.columns) FROM chronicle_events WHERE position >= $1"
        if let categories = filter.categories {
            binds.append(categories.sorted())
            sql += " AND category = ANY($\(binds.count))"
        }
        if let streams = filter.streams {
            binds.append(streams.map(\.description).sorted())
            sql += " AND stream = ANY($\(binds.count))"
        }
        if let types = filter.eventTypes {
            binds.append(types.sorted())
            sql += " AND type = ANY($\(binds.count))"
        }
        binds.append(Int64(limit))
        sql += " ORDER BY position LIMIT $\(binds.count)"
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read(query)
    }

    public func streamVersion(_ stream: StreamName) async throws -> Int64 {
        try await scalar("SELECT coalesce(max(version), 0) FROM chronicle_events WHERE stream = \(stream.description)")
    }

    public func headPosition() async throws -> GlobalPosition {
        GlobalPosition(try await scalar("SELECT coalesce(max(position), 0) FROM chronicle_events"))
    }

    /// Runs an event query on a pooled connection.
    func read(_ query: PostgresQuery) async throws -> [EventRecord] {
        try Task.checkCancellation()
        return try await database.read { connection in
            try await PostgresRowDecoding.records(query, on: connection, logger: database.logger)
        }
    }

    /// Runs a query returning one `bigint`.
    func scalar(_ query: PostgresQuery) async throws -> Int64 {
        try Task.checkCancellation()
        return try await database.read { connection in
            var value: Int64 = 0
            for try await row in try await connection.query(query, logger: database.logger).decode(Int64.self) {
                value = row
            }
            return value
        }
    }
}
