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
    static func records(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> [EventRecord] {
        var records: [EventRecord] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (position, stream, version, id, type, schemaVersion, data, metadata, recordedAt) in rows.decode(
            (Int64, String, Int64, UUID, String, Int32, Data, Data, Int64).self)
        {
            let decodedMetadata: EventMetadata
            do {
                // The byte-by-byte reader (JSONDecoder only for what it does not cover):
                // decoding metadata with JSONDecoder took most of a replay's time.
                decodedMetadata = try StoredMetadataParsing.metadataOrDecode(metadata)
            } catch {
                throw EventStoreError(
                    code: .corruptRecord, message: "the metadata of the event at position \(position) is invalid: \(error)",
                    cause: error)
            }
            records.append(
                EventRecord(
                    position: GlobalPosition(position), stream: try streamName(stream), version: version, id: id,
                    type: type, schemaVersion: Int(schemaVersion), data: data, metadata: decodedMetadata,
                    recordedAt: PostgresTime.date(recordedAt)))
        }
        return records
    }
}
