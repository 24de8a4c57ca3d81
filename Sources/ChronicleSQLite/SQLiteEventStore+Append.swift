@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB
internal import GRDBSQLite

extension SQLiteEventStore {
    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        let prepared = try AppendValidation.prepare(appends, maximumEventSize: options.maximumEventSize)
        guard !appends.isEmpty else { return [] }
        try Task.checkCancellation()
        // Concurrent calls share write transactions (see SQLiteGroupCommit); each
        // gets the results and errors it would get alone.
        return try await withMappedErrors {
            try await groupCommit.append(SQLiteGroupCommit.Request(appends: appends, prepared: prepared))
        }
    }

    /// Returns once the log may hold an event after `position`.
    ///
    /// Appends through this store instance wake waiters at once. Appends by other
    /// processes (or other instances) on the same file are noticed by polling the
    /// head, a cheap read of the log's last row, with a back-off from 1 ms to 20 ms
    /// while idle: a subscriber sees them within about 20 ms.
    ///
    /// - Parameter position: The last position the caller has seen.
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    public func waitForAppends(after position: GlobalPosition) async throws {
        try await pollForAppends(after: position, signal: appendSignal)
    }
}

extension SQLiteEventStore: AppendInterestWaiting {
    /// Wakes for this instance's commits that write a stream `interest` names,
    /// and reads the head every 20 ms for other processes' appends.
    package func waitForAppends(
        after position: GlobalPosition, matching interest: AppendInterest, until deadline: ContinuousClock.Instant?
    ) async throws {
        try await pollForAppends(after: position, signal: appendSignal, matching: interest, until: deadline)
    }
}

/// The append path inside one write transaction.
enum SQLiteAppender {
    /// Thrown (and caught by the store) when the fast path meets an id that is
    /// already stored: the transaction rolls back and the careful path runs.
    struct RetryCheckingIds: Error {}

    static func appendInTransaction(
        _ appends: [StreamAppend], prepared: [[AppendValidation.PreparedEvent]], in db: Database,
        checkIdsFirst: Bool
    ) throws -> [AppendResult] {
        try SQLiteRawStatement.immediateTransaction(db) {
            try append(appends, prepared: prepared, in: db, checkIdsFirst: checkIdsFirst)
        }
    }

    static func append(
        _ appends: [StreamAppend], prepared: [[AppendValidation.PreparedEvent]], in db: Database,
        checkIdsFirst: Bool
    ) throws -> [AppendResult] {
        let now = SQLiteRowDecoding.microseconds(Date())
        var results: [AppendResult] = []
        results.reserveCapacity(appends.count)
        for (part, events) in zip(appends, prepared) {
            if checkIdsFirst {
                let places = try part.events.map { try storedPlace(of: $0.id, in: db) }
                if let original = try AppendValidation.idempotentResult(for: part, stored: places) {
                    results.append(original)
                    continue
                }
            }
            let stream = part.stream.description
            // Events for a new stream need no look-up: should the stream exist,
            // inserting its version 1 breaks the (stream, version) index, and the
            // careful path (which looks) reports the version it has.
            let skipsLookup = !checkIdsFirst && part.expectedVersion == .noStream && !events.isEmpty
            let current = skipsLookup ? 0 : try currentVersion(of: stream, in: db)
            guard part.expectedVersion.isSatisfied(by: current) else {
                if !checkIdsFirst, let first = part.events.first, try storedPlace(of: first.id, in: db) != nil {
                    throw RetryCheckingIds()
                }
                throw EventStoreError.wrongExpectedVersion(
                    stream: part.stream, expected: part.expectedVersion, actual: current)
            }
            guard !events.isEmpty else {
                results.append(AppendResult(stream: part.stream, version: current, versions: nil, positions: nil))
                continue
            }
            let insert = SQLiteRawStatement(
                try db.cachedStatement(
                    sql: """
                        INSERT INTO chronicle_events
                            (stream, version, category, event_id, type, schema_version, data, metadata, recorded_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """))
            // The same for every event of the part.
            try insert.bind(1, stream)
            try insert.bind(3, part.stream.category)
            try insert.bind(9, now)
            var firstPosition: Int64 = 0
            var lastPosition: Int64 = 0
            var version = current
            for prepared in events {
                version += 1
                let event = prepared.event
                insert.reset()
                try insert.bind(2, version)
                try insert.bind(4, uuid: event.id)
                try insert.bind(5, event.type)
                try insert.bind(6, Int64(event.schemaVersion))
                try insert.bind(7, blob: event.data)
                if prepared.metadataBytes.isEmpty {
                    try insert.bindNull(8)
                } else {
                    try insert.bind(8, blob: prepared.metadataBytes)
                }
                do {
                    _ = try insert.step()
                } catch let error as DatabaseError
                    where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && !checkIdsFirst
                {
                    throw RetryCheckingIds()
                }
                lastPosition = db.lastInsertedRowID
                if firstPosition == 0 { firstPosition = lastPosition }
            }
            insert.reset()
            results.append(
                AppendResult(
                    stream: part.stream, version: version, versions: (current + 1)...version,
                    positions: GlobalPosition(firstPosition)...GlobalPosition(lastPosition)))
        }
        return results
    }

    /// The stream's version (0 when it has no events): one seek to the end of
    /// its run in the (stream, version) index.
    static func currentVersion(of stream: String, in db: Database) throws -> Int64 {
        let select = SQLiteRawStatement(try db.cachedStatement(sql: SQLiteStreamQueries.version))
        defer { select.reset() }
        try select.bind(1, stream)
        guard try select.step() else { return 0 }
        return sqlite3_column_int64(select.handle, 0)
    }

    static func storedPlace(of id: UUID, in db: Database) throws -> AppendValidation.StoredPlace? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT stream, version, position FROM chronicle_events WHERE event_id = ?"),
                arguments: [id])
        else { return nil }
        return AppendValidation.StoredPlace(
            stream: try SQLiteRowDecoding.streamName(row[0]), version: row[1], position: GlobalPosition(row[2] as Int64))
    }
}
