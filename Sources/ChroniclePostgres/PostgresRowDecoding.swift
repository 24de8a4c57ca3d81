@_spi(Implementing) internal import Chronicle
internal import Foundation
internal import Logging
internal import PostgresNIO

/// Reads event rows into records; a row that does not decode is a
/// `corruptRecord` error naming its position, never a crash.
enum PostgresRowDecoding {
    /// The columns every event read selects, in the order ``records(_:logger:)`` decodes.
    static let columns = "position, stream, version, event_id, type, schema_version, data, metadata, recorded_at"

    static func streamName(_ text: String) throws -> StreamName {
        do {
            return try StreamName(text)
        } catch {
            throw EventStoreError(
                code: .corruptRecord, message: "a stored stream name '\(text)' is invalid: \(error)", cause: error)
        }
    }

    /// Runs `query` and decodes its rows.
    ///
    /// Cell by cell with concrete types rather than through `decode(_:)` of a
    /// tuple, whose generic tuple metadata was looked up for every row; the
    /// metadata is parsed straight from the row's buffer.
    static func records(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> [EventRecord] {
        var records: [EventRecord] = []
        let rows = try await connection.query(query, logger: logger)
        for try await row in rows {
            var cells = row.makeIterator()
            guard let positionCell = cells.next(), let streamCell = cells.next(), let versionCell = cells.next(),
                let idCell = cells.next(), let typeCell = cells.next(), let schemaCell = cells.next(),
                let dataCell = cells.next(), let metadataCell = cells.next(), let recordedCell = cells.next()
            else {
                throw EventStoreError(code: .corruptRecord, message: "an event row has fewer columns than selected")
            }
            let position = try positionCell.decode(Int64.self)
            let decodedMetadata: EventMetadata
            do {
                // The byte-by-byte reader (JSONDecoder only for what it does not cover):
                // decoding metadata with JSONDecoder took most of a replay's time.
                decodedMetadata = try metadataCell.bytes.map { buffer in
                    try buffer.withUnsafeReadableBytes { try EventMetadata(storedJSON: $0) }
                } ?? .empty
            } catch {
                throw EventStoreError(
                    code: .corruptRecord, message: "the metadata of the event at position \(position) is invalid: \(error)",
                    cause: error)
            }
            records.append(
                EventRecord(
                    position: GlobalPosition(position), stream: try streamName(try streamCell.decode(String.self)),
                    version: try versionCell.decode(Int64.self), id: try idCell.decode(UUID.self),
                    type: try typeCell.decode(String.self), schemaVersion: Int(try schemaCell.decode(Int32.self)),
                    data: try dataCell.decode(Data.self), metadata: decodedMetadata,
                    recordedAt: PostgresTime.date(try recordedCell.decode(Int64.self))))
        }
        return records
    }
}
