extension InMemoryEventStore: EventStoreImporting {
    @discardableResult
    public func importEvents(_ records: [EventRecord], positions: ImportPositions) async throws -> ImportResult {
        _ = try AppendValidation.prepareImport(records, maximumEventSize: maximumEventSize)
        // Stage everything first, so that a failing record leaves the log untouched.
        var staged: [EventRecord] = []
        var stagedVersions: [StreamName: Int64] = [:]
        var skipped = 0
        for record in records {
            if try AppendValidation.isAlreadyImported(record, stored: storedPlace(of: record.id), positions: positions) {
                skipped += 1
                continue
            }
            let current = stagedVersions[record.stream] ?? Int64(streamIndexes[record.stream]?.count ?? 0)
            let head = GlobalPosition(Int64(log.count + staged.count))
            let position = try AppendValidation.importPlace(
                record, streamVersion: current, head: head, positions: positions)
            staged.append(
                EventRecord(
                    position: position, stream: record.stream, version: record.version, id: record.id,
                    type: record.type, schemaVersion: record.schemaVersion, data: record.data,
                    metadata: record.metadata, recordedAt: record.recordedAt))
            stagedVersions[record.stream] = record.version
        }
        commit(staged)
        let written = staged.first.map { $0.position...staged[staged.count - 1].position }
        return ImportResult(imported: staged.count, skipped: skipped, positions: written)
    }
}
