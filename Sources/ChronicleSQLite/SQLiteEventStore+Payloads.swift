@_spi(Implementing) package import Chronicle
internal import Foundation
internal import GRDB
internal import GRDBSQLite

extension SQLiteEventStore: StreamPayloadReading {
    /// Reads the version, type, schema version and payload of a stream's
    /// events, straight from SQLite's column buffers (see ``StreamPayloadReading``).
    package func readStreamPayloads<T>(
        _ stream: StreamName, from version: Int64, limit: Int, _ body: (StoredPayload) -> T
    ) async throws -> [T] {
        try AppendValidation.checkLimit(limit)
        let name = stream.description
        try Task.checkCancellation()
        return try await withMappedErrors {
            try await SQLiteConnections.readStatement(readers) { db in
                let raw = SQLiteRawStatement(
                    try db.cachedStatement(
                        sql: "SELECT position, version, type, schema_version, data FROM chronicle_events "
                            + "WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?"))
                defer { raw.reset() }
                try raw.bind(1, name)
                try raw.bind(2, version)
                try raw.bind(3, Int64(limit))
                var types = SQLiteRowDecoding.TypeNames()
                var result: [T] = []
                result.reserveCapacity(min(limit, 512))
                while try raw.step() {
                    result.append(body(try Self.payload(raw.handle, types: &types)))
                }
                return result
            }
        }
    }

    /// The payload fields of the row `handle` is on; a row that cannot be an
    /// event is ``EventStoreError/corruptRecord``, as in full reads.
    private static func payload(_ handle: OpaquePointer, types: inout SQLiteRowDecoding.TypeNames) throws -> StoredPayload {
        let dataType = sqlite3_column_type(handle, 4)
        guard sqlite3_column_type(handle, 1) == SQLITE_INTEGER, sqlite3_column_type(handle, 2) == SQLITE_TEXT,
            sqlite3_column_type(handle, 3) == SQLITE_INTEGER, dataType == SQLITE_BLOB || dataType == SQLITE_TEXT,
            let schemaVersion = Int(exactly: sqlite3_column_int64(handle, 3))
        else {
            throw SQLiteRowDecoding.malformedColumn(position: sqlite3_column_int64(handle, 0))
        }
        return StoredPayload(
            version: sqlite3_column_int64(handle, 1), type: types.name(SQLiteRowDecoding.bytes(handle, 2)),
            schemaVersion: schemaVersion, data: Data(SQLiteRowDecoding.bytes(handle, 4)))
    }
}
