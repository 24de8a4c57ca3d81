internal import Foundation

@_spi(Implementing) extension AppendValidation {
    /// Validates imported records as appended events are validated (type name,
    /// schema version, size, ids repeated in one call), plus their versions and
    /// positions, and encodes their metadata.
    ///
    /// ```swift
    /// let prepared = try AppendValidation.prepareImport(records, maximumEventSize: 1 << 20)
    /// ```
    ///
    /// - Parameters:
    ///   - records: The records of one import call.
    ///   - maximumEventSize: The largest data plus metadata, in bytes.
    /// - Returns: One prepared event per record, in order.
    /// - Throws: ``EventStoreError/invalidEvent``, ``EventStoreError/eventTooLarge``,
    ///   ``EventStoreError/duplicateEvent`` or ``EventStoreError/invalidArgument``
    ///   (a version or position below 1).
    public static func prepareImport(_ records: [EventRecord], maximumEventSize: Int) throws -> [PreparedEvent] {
        for record in records where record.version < 1 || record.position < .start {
            throw EventStoreError(
                code: .invalidArgument,
                message: "imported event \(record.id.chronicleString) has version \(record.version) and position "
                    + "\(record.position); both start at 1",
                stream: record.stream, eventId: record.id)
        }
        let parts = records.map { record in
            StreamAppend(
                stream: record.stream,
                events: [
                    NewEvent(
                        id: record.id, type: record.type, schemaVersion: record.schemaVersion, data: record.data,
                        metadata: record.metadata)
                ],
                expecting: .any)
        }
        return try prepare(parts, maximumEventSize: maximumEventSize).map { $0[0] }
    }

    /// Decides whether an imported record is already stored (skip it) or new
    /// (write it), or conflicts with a stored event.
    ///
    /// ```swift
    /// if try AppendValidation.isAlreadyImported(record, stored: place, positions: .keep) { continue }
    /// ```
    ///
    /// - Parameters:
    ///   - record: The record being imported.
    ///   - stored: Where its id is stored, or `nil`.
    ///   - positions: The import's position mode; ``ImportPositions/keep`` also compares positions.
    /// - Returns: `true` when the record is stored at the same place (skip it),
    ///   `false` when its id is not stored (write it).
    /// - Throws: ``EventStoreError/duplicateEvent`` when the id is stored elsewhere.
    public static func isAlreadyImported(
        _ record: EventRecord, stored: StoredPlace?, positions: ImportPositions
    ) throws -> Bool {
        guard let stored else { return false }
        let samePlace = stored.stream == record.stream && stored.version == record.version
            && (positions == .assignAfterHead || stored.position == record.position)
        guard samePlace else {
            throw EventStoreError(
                code: .duplicateEvent,
                message: "imported event \(record.id.chronicleString) (stream '\(record.stream)', version \(record.version), "
                    + "position \(record.position)) is already stored as version \(stored.version) of "
                    + "'\(stored.stream)' at position \(stored.position)",
                stream: record.stream, eventId: record.id)
        }
        return true
    }

    /// Checks that a record to import continues its stream and the log, and
    /// returns the position it gets.
    ///
    /// ```swift
    /// let position = try AppendValidation.importPlace(record, streamVersion: 2, head: 17, positions: .keep)
    /// ```
    ///
    /// - Parameters:
    ///   - record: The record to write.
    ///   - streamVersion: Its stream's current version (0 when empty).
    ///   - head: The store's head position before this record.
    ///   - positions: The import's position mode.
    /// - Returns: The position the event is written at (always `head.next`).
    /// - Throws: ``EventStoreError/wrongExpectedVersion`` when the record's version
    ///   is not `streamVersion + 1`; ``EventStoreError/invalidArgument`` when
    ///   positions are kept and the record's is not `head.next`.
    public static func importPlace(
        _ record: EventRecord, streamVersion: Int64, head: GlobalPosition, positions: ImportPositions
    ) throws -> GlobalPosition {
        guard record.version == streamVersion + 1 else {
            let expected = ExpectedVersion.exactly(record.version - 1)
            throw EventStoreError(
                code: .wrongExpectedVersion,
                message: "imported event \(record.id.chronicleString) is version \(record.version) of stream '\(record.stream)', "
                    + "which expected version \(expected) but is at version \(streamVersion)",
                stream: record.stream, expectedVersion: expected, actualVersion: streamVersion, eventId: record.id)
        }
        if positions == .keep, record.position != head.next {
            throw EventStoreError(
                code: .invalidArgument,
                message: "imported event \(record.id.chronicleString) has position \(record.position) but the store's next "
                    + "position is \(head.next); positions can be kept only when they continue the log without holes",
                stream: record.stream, eventId: record.id)
        }
        return head.next
    }
}
