@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

/// Aggregate snapshots in a SQLite event store's file, in their own table.
///
/// It shares the event store's connections: snapshot reads run on the reader
/// pool, writes on the one writer, each in its own short transaction, never in
/// an append's. Each stream keeps its newest snapshot only. It is a
/// ``Chronicle/SnapshotCatalog``: `chronicle snapshots list` lists its snapshots.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite")
/// let orders = try AggregateRepository<Order>(
///     store: store, snapshots: SQLiteSnapshotStore(store), policy: .every(100))
/// ```
public final class SQLiteSnapshotStore: SnapshotCatalog {
    /// The event store whose file holds the snapshots.
    public let eventStore: SQLiteEventStore

    /// Creates a snapshot store in the file of an event store.
    ///
    /// ```swift
    /// let snapshots = SQLiteSnapshotStore(store)
    /// ```
    ///
    /// - Parameter store: An open SQLite event store (the table is created by its migrations).
    public init(_ store: SQLiteEventStore) {
        self.eventStore = store
    }

    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        let arguments: StatementArguments = [
            snapshot.stream.description, snapshot.version, snapshot.schemaVersion, snapshot.data,
            Int64((snapshot.createdAt.timeIntervalSince1970 * 1_000_000).rounded()),
        ]
        try await eventStore.withMappedErrors {
            try await eventStore.pool.write { db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO chronicle_snapshots (stream, version, schema_version, data, created_at)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (stream) DO UPDATE SET
                            version = excluded.version, schema_version = excluded.schema_version,
                            data = excluded.data, created_at = excluded.created_at
                        WHERE excluded.version >= chronicle_snapshots.version
                        """
                ).execute(arguments: arguments)
            }
        }
    }

    public func latestSnapshot(for stream: StreamName) async throws -> Snapshot? {
        let name = stream.description
        try Task.checkCancellation()
        return try await eventStore.withMappedErrors {
            try await SQLiteConnections.readStatement(eventStore.readers) { db in
                guard
                    let row = try Row.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT version, schema_version, data, created_at FROM chronicle_snapshots "
                                + "WHERE stream = ?"),
                        arguments: [name])
                else { return nil }
                // Row subscripts trap on a value of the wrong type: decode with errors instead.
                do {
                    return Snapshot(
                        stream: stream, version: try row.decode(Int64.self, atIndex: 0),
                        schemaVersion: try row.decode(Int.self, atIndex: 1),
                        data: try row.decode(Data.self, atIndex: 2),
                        createdAt: Date(
                            timeIntervalSince1970: Double(try row.decode(Int64.self, atIndex: 3)) / 1_000_000))
                } catch {
                    throw EventStoreError(
                        code: .corruptRecord, message: "the snapshot of '\(name)' has a malformed column",
                        stream: stream, cause: error)
                }
            }
        }
    }

    public func deleteSnapshots(for stream: StreamName) async throws {
        let name = stream.description
        try await eventStore.withMappedErrors {
            try await eventStore.pool.write { db in
                try db.execute(sql: "DELETE FROM chronicle_snapshots WHERE stream = ?", arguments: [name])
            }
        }
    }

    public func snapshots(category: String?, after: StreamName?, limit: Int) async throws -> [SnapshotInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        // The primary key on `stream` (BINARY collation: UTF-8 byte order) gives the
        // order and the range; a category is the range of names starting "category-".
        var conditions: [String] = []
        var arguments: [String: (any DatabaseValueConvertible)?] = [:]
        let bounds = category.map(SQLiteStreamQueries.bounds(ofCategory:))
        if let after, bounds.map({ after.description.utf8.lexicographicallyPrecedes($0.from.utf8) }) != true {
            conditions.append("stream > :lower")
            arguments["lower"] = after.description
        } else if let bounds {
            conditions.append("stream >= :lower")
            arguments["lower"] = bounds.from
        }
        if let bounds {
            conditions.append("stream < :upper")
            arguments["upper"] = bounds.before
        }
        arguments["limit"] = limit == Int.max ? -1 : limit
        let sql = "SELECT stream, version, schema_version, length(data), created_at FROM chronicle_snapshots"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY stream LIMIT :limit"
        let statementArguments = StatementArguments(arguments)
        try Task.checkCancellation()
        return try await eventStore.withMappedErrors {
            try await SQLiteConnections.readStatement(eventStore.readers) { db in
                var result: [SnapshotInfo] = []
                let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: statementArguments)
                while let row = try rows.next() {
                    // Row subscripts trap on a value of the wrong type: decode with errors instead.
                    let name: String
                    let info: (version: Int64, schemaVersion: Int, size: Int64, createdAt: Int64)
                    do {
                        name = try row.decode(String.self, atIndex: 0)
                        info = (
                            try row.decode(Int64.self, atIndex: 1), try row.decode(Int.self, atIndex: 2),
                            try row.decode(Int64.self, atIndex: 3), try row.decode(Int64.self, atIndex: 4)
                        )
                    } catch {
                        throw EventStoreError(
                            code: .corruptRecord, message: "a stored snapshot has a malformed column", cause: error)
                    }
                    result.append(
                        SnapshotInfo(
                            stream: try SQLiteRowDecoding.streamName(name), version: info.version,
                            schemaVersion: info.schemaVersion, size: info.size,
                            createdAt: SQLiteRowDecoding.date(microseconds: info.createdAt)))
                }
                return result
            }
        }
    }
}
