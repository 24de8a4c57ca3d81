@_spi(Implementing) public import Chronicle
internal import Foundation
internal import PostgresNIO

extension PostgresEventStore: EventStoreImporting {
    /// Imports events exported from any Chronicle store, keeping their ids,
    /// versions, payloads, metadata and times (see
    /// `EventStoreImporting/importEvents(_:positions:)`).
    ///
    /// The batch is one transaction holding the append lock, so its positions
    /// become visible in order like an append's.
    ///
    /// - Parameters:
    ///   - records: The events, in their log's order.
    ///   - positions: Whether the events keep their positions or follow the head.
    /// - Returns: How many were imported and skipped (already there), and where they went.
    /// - Throws: `EventStoreError` for an event that cannot go where it should;
    ///   nothing of the batch is stored then.
    @discardableResult
    public func importEvents(_ records: [EventRecord], positions: ImportPositions) async throws -> ImportResult {
        let prepared = try AppendValidation.prepareImport(records, maximumEventSize: options.maximumEventSize)
        guard !records.isEmpty else { return ImportResult(imported: 0, skipped: 0, positions: nil) }
        try Task.checkCancellation()
        let result = try await database.transaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock))", logger: logger)
            var head: Int64 = 0
            for try await value in try await connection.query(
                "SELECT coalesce(max(position), 0) FROM chronicle_events", logger: logger
            ).decode(Int64.self) {
                head = value
            }
            let places = try await PostgresAppender.storedPlaces(of: records.map(\.id), on: connection, logger: logger)
            var versions = try await PostgresAppender.currentVersions(
                of: Array(Set(records.map(\.stream.description))), on: connection, logger: logger)
            var headPosition = GlobalPosition(head)
            var skipped = 0
            var first: GlobalPosition?
            var rows = (
                positions: [Int64](), streams: [String](), versions: [Int64](), categories: [String](),
                ids: [UUID](), types: [String](), schemaVersions: [Int32](), data: [ByteBuffer](),
                metadata: [ByteBuffer](), recordedAt: [Int64]())
            for (record, event) in zip(records, prepared) {
                if try AppendValidation.isAlreadyImported(record, stored: places[record.id], positions: positions) {
                    skipped += 1
                    continue
                }
                let name = record.stream.description
                let position = try AppendValidation.importPlace(
                    record, streamVersion: versions[name] ?? 0, head: headPosition, positions: positions)
                rows.positions.append(position.rawValue)
                rows.streams.append(name)
                rows.versions.append(record.version)
                rows.categories.append(record.stream.category)
                rows.ids.append(record.id)
                rows.types.append(record.type)
                rows.schemaVersions.append(Int32(clamping: record.schemaVersion))
                rows.data.append(ByteBuffer(bytes: record.data))
                rows.metadata.append(ByteBuffer(bytes: event.metadataBytes))
                rows.recordedAt.append(PostgresTime.microseconds(record.recordedAt))
                versions[name] = record.version
                headPosition = position
                if first == nil { first = position }
            }
            if !rows.ids.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO chronicle_events
                        (position, stream, version, category, event_id, type, schema_version, data, metadata, recorded_at)
                    SELECT * FROM unnest(\(rows.positions), \(rows.streams), \(rows.versions), \(rows.categories), \
                    \(rows.ids), \(rows.types), \(rows.schemaVersions), \(rows.data), \(rows.metadata), \(rows.recordedAt))
                    """, logger: logger)
            }
            return ImportResult(imported: rows.ids.count, skipped: skipped, positions: first.map { $0...headPosition })
        }
        if result.imported > 0 {
            appendSignal.signal()
            notifier.appended()
        }
        return result
    }
}
