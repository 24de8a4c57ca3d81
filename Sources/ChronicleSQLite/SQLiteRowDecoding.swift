internal import Chronicle
internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// Turns rows of `chronicle_events` into ``EventRecord``s, straight from
/// SQLite's column buffers; a row that cannot be one is
/// ``EventStoreError/corruptRecord``.
///
/// Reads bind and step the (cached, GRDB-prepared) statement themselves and
/// read each column once from SQLite's buffers: no `Row` per event, no
/// intermediate `DatabaseValue`s, and the stream name, type name and metadata of
/// the previous row are reused when their bytes repeat.
enum SQLiteRowDecoding {
    /// The columns every event read selects, in the order ``RowReader`` reads them.
    static let columns =
        "position, stream, version, event_id, type, schema_version, data, metadata, recorded_at"

    /// An argument of a read.
    enum Argument {
        case integer(Int64)
        case text(String)
    }

    /// Binds `arguments`, steps `statement` to the end and decodes every row.
    ///
    /// `limit` (the read's) sizes the result up front, up to a page that stays
    /// clear of `malloc`'s mapped-memory threshold.
    static func records(_ statement: Statement, arguments: [Argument], limit: Int) throws -> [EventRecord] {
        let raw = SQLiteRawStatement(statement)
        // Ends the read (releasing its snapshot) however the loop ends.
        defer { raw.reset() }
        for (offset, argument) in arguments.enumerated() {
            switch argument {
            case .integer(let value): try raw.bind(Int32(offset + 1), value)
            case .text(let value): try raw.bind(Int32(offset + 1), value)
            }
        }
        var reader = RowReader()
        var result: [EventRecord] = []
        result.reserveCapacity(min(limit, 512))
        while try raw.step() {
            result.append(try reader.record(raw.handle))
        }
        return result
    }

    /// Decodes rows one after another, reusing what repeats between them.
    struct RowReader {
        private var streamBytes: [UInt8] = []
        private var stream: StreamName?
        private var types = TypeNames()
        private var metadataBytes: [UInt8] = []
        private var metadata = EventMetadata.empty

        mutating func record(_ handle: OpaquePointer) throws -> EventRecord {
            let position = sqlite3_column_int64(handle, 0)
            func malformed() -> EventStoreError { SQLiteRowDecoding.malformedColumn(position: position) }
            guard sqlite3_column_type(handle, 1) == SQLITE_TEXT, sqlite3_column_type(handle, 2) == SQLITE_INTEGER,
                sqlite3_column_type(handle, 4) == SQLITE_TEXT, sqlite3_column_type(handle, 5) == SQLITE_INTEGER,
                sqlite3_column_type(handle, 8) == SQLITE_INTEGER
            else { throw malformed() }
            let dataType = sqlite3_column_type(handle, 6)
            guard dataType == SQLITE_BLOB || dataType == SQLITE_TEXT else { throw malformed() }
            let streamName = try stream(SQLiteRowDecoding.bytes(handle, 1))
            let version = sqlite3_column_int64(handle, 2)
            guard sqlite3_column_type(handle, 3) == SQLITE_BLOB, sqlite3_column_bytes(handle, 3) == 16,
                let idBytes = sqlite3_column_blob(handle, 3)
            else {
                throw EventStoreError(
                    code: .corruptRecord, message: "stored event id at position \(position) is not 16 bytes")
            }
            let id = UUID(uuid: UnsafeRawPointer(idBytes).loadUnaligned(as: uuid_t.self))
            let type = types.name(SQLiteRowDecoding.bytes(handle, 4))
            guard let schemaVersion = Int(exactly: sqlite3_column_int64(handle, 5)) else { throw malformed() }
            let data = Data(SQLiteRowDecoding.bytes(handle, 6))
            let metadata: EventMetadata
            switch sqlite3_column_type(handle, 7) {
            case SQLITE_NULL:
                metadata = .empty
            case SQLITE_BLOB, SQLITE_TEXT:
                do {
                    metadata = try self.metadata(SQLiteRowDecoding.bytes(handle, 7))
                } catch {
                    throw EventStoreError(
                        code: .corruptRecord, message: "stored event at position \(position) has unreadable metadata",
                        cause: error)
                }
            default:
                throw malformed()
            }
            return EventRecord(
                position: GlobalPosition(position), stream: streamName, version: version, id: id, type: type,
                schemaVersion: schemaVersion, data: data, metadata: metadata,
                recordedAt: date(microseconds: sqlite3_column_int64(handle, 8)))
        }

        private mutating func stream(_ bytes: UnsafeRawBufferPointer) throws -> StreamName {
            if let stream, SQLiteRowDecoding.same(bytes, streamBytes) { return stream }
            let parsed = try SQLiteRowDecoding.streamName(String(decoding: bytes, as: UTF8.self))
            Self.keep(bytes, in: &streamBytes)
            stream = parsed
            return parsed
        }

        /// Copies a column's bytes into a buffer kept from row to row (no allocation once it is large enough).
        private static func keep(_ bytes: UnsafeRawBufferPointer, in buffer: inout [UInt8]) {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: bytes)
        }

        private mutating func metadata(_ bytes: UnsafeRawBufferPointer) throws -> EventMetadata {
            if SQLiteRowDecoding.same(bytes, metadataBytes) { return metadata }
            let parsed = try EventMetadata(storedJSON: bytes)
            Self.keep(bytes, in: &metadataBytes)
            metadata = parsed
            return parsed
        }
    }

    /// The bytes of a text or blob column (valid until the next step).
    static func bytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite asks.
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }

    /// Whether a column's bytes are `known` (one `memcmp`; `elementsEqual`
    /// walks both sequences through iterators).
    static func same(_ bytes: UnsafeRawBufferPointer, _ known: [UInt8]) -> Bool {
        guard bytes.count == known.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return known.withUnsafeBytes { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
    }

    /// The error for a row of `chronicle_events` whose columns cannot be an event's.
    static func malformedColumn(position: Int64) -> EventStoreError {
        EventStoreError(code: .corruptRecord, message: "stored event at position \(position) has a malformed column")
    }

    /// The type names a read has met, so that each is one `String` however
    /// many rows carry it (and later steps compare them cheaply).
    struct TypeNames {
        private var known: [(bytes: [UInt8], name: String)] = []

        mutating func name(_ bytes: UnsafeRawBufferPointer) -> String {
            for entry in known where SQLiteRowDecoding.same(bytes, entry.bytes) { return entry.name }
            let name = String(decoding: bytes, as: UTF8.self)
            if known.count < 32 { known.append((Array(bytes), name)) }
            return name
        }
    }

    /// Reuses the last parsed stream name (for reads of other tables).
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

    /// A stored event id.
    static func uuid(_ bytes: Data?, position: Int64) throws -> UUID {
        guard let bytes, bytes.count == 16 else {
            throw EventStoreError(code: .corruptRecord, message: "stored event id at position \(position) is not 16 bytes")
        }
        return bytes.withUnsafeBytes { raw in UUID(uuid: raw.loadUnaligned(as: uuid_t.self)) }
    }

    static func streamName(_ text: String) throws -> StreamName {
        do {
            return try StreamName(text)
        } catch {
            throw EventStoreError(
                code: .corruptRecord, message: "stored stream name '\(text)' is invalid", cause: error)
        }
    }

    /// A stored time: microseconds since 1970.
    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// The stored form of a time: microseconds since 1970, rounded.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
