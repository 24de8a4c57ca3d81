@_spi(Implementing) public import Chronicle
internal import Foundation
internal import PostgresNIO

/// Aggregate snapshots in a PostgreSQL event store's database, in their own
/// table (`chronicle_snapshots`).
///
/// It shares the event store's pool; each call is one statement, never part
/// of an append's transaction. Each stream keeps its newest snapshot only: a
/// save at a lower version than the stored one changes nothing, decided by
/// the one `INSERT ... ON CONFLICT` statement, so concurrent saves from
/// several app servers keep the highest version. It is a `SnapshotCatalog`:
/// `chronicle snapshots list` lists its snapshots, in the byte order of
/// their stream names (the "C" collation).
///
/// ```swift
/// let store = try await PostgresEventStore(url: "postgres://app@localhost/orders")
/// let orders = try AggregateRepository<Order>(
///     store: store, snapshots: PostgresSnapshotStore(store), policy: .every(100))
/// ```
public final class PostgresSnapshotStore: SnapshotCatalog {
    /// The event store whose database holds the snapshots.
    public let eventStore: PostgresEventStore

    /// Creates a snapshot store in the database of an event store.
    ///
    /// ```swift
    /// let snapshots = PostgresSnapshotStore(store)
    /// ```
    ///
    /// - Parameter store: An open PostgreSQL event store (the table is created by its migrations).
    public init(_ store: PostgresEventStore) {
        self.eventStore = store
    }

    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        let stream = snapshot.stream.description
        let schemaVersion = Int64(snapshot.schemaVersion)
        let createdAt = PostgresTime.microseconds(snapshot.createdAt)
        try await eventStore.execute(
            """
            INSERT INTO chronicle_snapshots (stream, version, schema_version, data, created_at)
            VALUES (\(stream), \(snapshot.version), \(schemaVersion), \(snapshot.data), \(createdAt))
            ON CONFLICT (stream) DO UPDATE SET
                version = excluded.version, schema_version = excluded.schema_version,
                data = excluded.data, created_at = excluded.created_at
            WHERE excluded.version >= chronicle_snapshots.version
            """)
    }

    public func latestSnapshot(for stream: StreamName) async throws -> Snapshot? {
        let name = stream.description
        try Task.checkCancellation()
        return try await eventStore.database.withConnection { connection in
            let rows = try await connection.query(
                "SELECT version, schema_version, data, created_at FROM chronicle_snapshots WHERE stream = \(name)",
                logger: eventStore.database.logger)
            var snapshot: Snapshot?
            for try await (version, schemaVersion, data, createdAt) in rows.decode((Int64, Int64, Data, Int64).self) {
                snapshot = Snapshot(
                    stream: stream, version: version, schemaVersion: Int(schemaVersion), data: data,
                    createdAt: PostgresTime.date(createdAt))
            }
            return snapshot
        }
    }

    public func deleteSnapshots(for stream: StreamName) async throws {
        try await eventStore.execute("DELETE FROM chronicle_snapshots WHERE stream = \(stream.description)")
    }

    public func snapshots(category: String?, after: StreamName?, limit: Int) async throws -> [SnapshotInfo] {
        try AppendValidation.checkLimit(limit)
        if let category { try StreamName.validateCategory(category) }
        // The primary key on `stream` ("C" collation: UTF-8 byte order) gives the order
        // and the range; a category is the range of names from "category-" to "category.".
        var binds = PostgresBindings()
        var conditions: [String] = []
        let bounds = category.map { (from: $0 + "-", before: $0 + ".") }
        if let after, bounds.map({ after.description.utf8.lexicographicallyPrecedes($0.from.utf8) }) != true {
            binds.append(after.description)
            conditions.append("stream > $\(binds.count)")
        } else if let bounds {
            binds.append(bounds.from)
            conditions.append("stream >= $\(binds.count)")
        }
        if let bounds {
            binds.append(bounds.before)
            conditions.append("stream < $\(binds.count)")
        }
        binds.append(Int64(limit))
        let sql = "SELECT stream, version, schema_version, octet_length(data)::bigint, created_at FROM chronicle_snapshots"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY stream LIMIT $\(binds.count)"
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        try Task.checkCancellation()
        return try await eventStore.database.withConnection { connection in
            var result: [SnapshotInfo] = []
            let rows = try await connection.query(query, logger: eventStore.database.logger)
            for try await (stream, version, schemaVersion, size, createdAt) in rows.decode(
                (String, Int64, Int64, Int64, Int64).self)
            {
                result.append(
                    SnapshotInfo(
                        stream: try PostgresRowDecoding.streamName(stream), version: version,
                        schemaVersion: Int(schemaVersion), size: size, createdAt: PostgresTime.date(createdAt)))
            }
            return result
        }
    }
}
