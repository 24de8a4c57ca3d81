@_spi(Implementing) public import Chronicle
internal import Foundation
internal import GRDB

extension SQLiteEventStore: EventStoreImporting {
    @discardableResult
    public func importEvents(_ records: [EventRecord], positions: ImportPositions) async throws -> ImportResult {
        let prepared = try AppendValidation.prepareImport(records, maximumEventSize: options.maximumEventSize)
        guard !records.isEmpty else { return ImportResult(imported: 0, skipped: 0, positions: nil) }
        let result = try await withMappedErrors {
            try await pool.writeWithoutTransaction { db in
                var result = ImportResult(imported: 0, skipped: 0, positions: nil)
                try db.inTransaction(.immediate) {
                    result = try SQLiteImporter.importEvents(records, prepared: prepared, positions: positions, in: db)
                    return .commit
                }
                return result
            }
        }
        if result.imported > 0 { appendSignal.signal() }
        return result
    }
}

/// The import path inside one write transaction: explicit positions and times.
enum SQLiteImporter {
    static func importEvents(
        _ records: [EventRecord], prepared: [AppendValidation.PreparedEvent], positions: ImportPositions,
        in db: Database
    ) throws -> ImportResult {
        var head = GlobalPosition(try Int64.fetchOne(db, sql: "SELECT max(position) FROM chronicle_events") ?? 0)
        var versions: [StreamName: Int64] = [:]
        var skipped = 0
        var written = 0
        var first: GlobalPosition?
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO chronicle_events
                    (position, stream, version, category, event_id, type, schema_version, data, metadata, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (record, prepared) in zip(records, prepared) {
            let stored = try SQLiteAppender.storedPlace(of: record.id, in: db)
            if try AppendValidation.isAlreadyImported(record, stored: stored, positions: positions) {
                skipped += 1
                continue
            }
            let current: Int64
            if let staged = versions[record.stream] {
                current = staged
            } else {
                current = try Int64.fetchOne(
                    db.cachedStatement(sql: SQLiteStreamQueries.version),
                    arguments: [record.stream.description]) ?? 0
            }
            let position = try AppendValidation.importPlace(
                record, streamVersion: current, head: head, positions: positions)
            let recordedAt = SQLiteRowDecoding.microseconds(record.recordedAt)
            insert.setUncheckedArguments([
                position.rawValue, record.stream.description, record.version, record.stream.category, record.id,
                record.type, record.schemaVersion, record.data,
                prepared.metadataBytes.isEmpty ? nil : prepared.metadataBytes, recordedAt,
            ])
            try insert.execute()
            versions[record.stream] = record.version
            head = position
            written += 1
            if first == nil { first = position }
        }
        return ImportResult(imported: written, skipped: skipped, positions: first.map { $0...head })
    }
}
