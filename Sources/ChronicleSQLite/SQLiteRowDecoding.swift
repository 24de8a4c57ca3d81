internal import Chronicle
internal import Foundation
internal import GRDB

/// Turns rows of `chronicle_events` into ``EventRecord``s; a row that cannot be
/// one is ``EventStoreError/corruptRecord``.
enum SQLiteRowDecoding {
    /// The columns every event read selects, in the order ``record(_:cache:)`` reads them.
    static let columns =
        "position, stream, version, event_id, type, schema_version, data, metadata, recorded_at"

    /// Reuses the last parsed stream name: consecutive rows usually share it.
    struct StreamNameCache {
        var text = ""
        var name: StreamName?

        mutating func name(for text: String) throws -> StreamName {
            // Bytes, not String ==: canonically equivalent spellings are different streams.
            if let name, text.utf8.elementsEqual(self.text.utf8) { return name }
            let parsed = try SQLiteRowDecoding.streamName(text)
            self.text = text
            self.name = parsed
            return parsed
        }
    }

    static func streamName(_ text: String) throws -> StreamName {
        do {
            return try StreamName(text)
        } catch {
            throw EventStoreError(
                code: .corruptRecord, message: "stored stream name '\(text)' is invalid", cause: error)
        }
    }

    static func record(_ row: Row, cache: inout StreamNameCache) throws -> EventRecord {
        let position: Int64 = row[0]
        guard let streamText = row[1] as String?,
            let version = row[2] as Int64?,
            let idBytes = row[3] as Data?,
            let type = row[4] as String?,
            let schemaVersion = row[5] as Int?,
            let data = row[6] as Data?,
            let recordedAt = row[8] as Int64?
        else {
            throw EventStoreError(code: .corruptRecord, message: "stored event at position \(position) has a malformed column")
        }
        let metadataBytes = row[7] as Data?
        let metadata: EventMetadata
        do {
            metadata = try metadataBytes.map(SQLiteMetadataParsing.metadataOrDecode) ?? .empty
        } catch {
            throw EventStoreError(
                code: .corruptRecord, message: "stored event at position \(position) has unreadable metadata",
                cause: error)
        }
        let id = try uuid(idBytes, position: position)
        return EventRecord(
            position: GlobalPosition(position), stream: try cache.name(for: streamText), version: version, id: id,
            type: type, schemaVersion: schemaVersion, data: data, metadata: metadata,
            recordedAt: date(microseconds: recordedAt))
    }

    /// A stored time: microseconds since 1970.
    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// The stored form of a time: microseconds since 1970, rounded.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func uuid(_ bytes: Data?, position: Int64) throws -> UUID {
        guard let bytes, bytes.count == 16 else {
            throw EventStoreError(code: .corruptRecord, message: "stored event id at position \(position) is not 16 bytes")
        }
        return bytes.withUnsafeBytes { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }

    static func records(_ statement: Statement, arguments: StatementArguments) throws -> [EventRecord] {
        var cache = StreamNameCache()
        var result: [EventRecord] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            result.append(try record(row, cache: &cache))
        }
        return result
    }
}
