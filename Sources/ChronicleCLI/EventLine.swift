public import Chronicle
internal import Foundation

/// The JSON Lines form of an event: what `events export` writes, `events import`
/// reads, and `tail --json` and `streams show --json` print.
///
/// One event per line, every field, in this order:
///
/// ```json
/// {"position":17,"stream":"order-42","version":3,"id":"5b0c…","type":"OrderPaid","schemaVersion":1,"data":{"amount":30},"metadata":{"correlationId":"req-7"},"recordedAt":"2024-05-01T10:00:00.123456Z"}
/// ```
///
/// `data` is the stored JSON itself, byte for byte. Data that is not JSON
/// (binary payloads), or JSON spread over several lines, is written as
/// `"dataBase64"` instead, so that an import restores the exact bytes.
/// `metadata` is the stored metadata object (`{}` when empty). `recordedAt` is
/// UTC with microseconds. On reading, `schemaVersion` defaults to 1 and
/// `metadata` to empty; unknown members are ignored.
///
/// ```swift
/// let line = EventLine.encode(record)
/// let back = try EventLine.decode(Array(line.utf8))
/// assert(back == record)
/// ```
public enum EventLine {
    /// The line for a record, without a line break.
    ///
    /// - Parameter record: The event.
    /// - Returns: One line of JSON.
    public static func encode(_ record: EventRecord) -> String {
        json(record).serialized()
    }

    /// The record as a JSON object with the members of the line format.
    ///
    /// - Parameter record: The event.
    /// - Returns: The JSON object.
    static func json(_ record: EventRecord) -> JSONValue {
        let metadata = record.metadata.jsonData()
        var members: [(String, JSONValue)] = [
            ("position", .int(record.position.rawValue)),
            ("stream", .string(record.stream.description)),
            ("version", .int(record.version)),
            ("id", .string(record.id.uuidString.lowercased())),
            ("type", .string(record.type)),
            ("schemaVersion", .int(Int64(record.schemaVersion))),
        ]
        if let text = verbatimJSON(record.data) {
            members.append(("data", .raw(text)))
        } else {
            members.append(("dataBase64", .string(record.data.base64EncodedString())))
        }
        members.append(("metadata", .raw(metadata.isEmpty ? "{}" : String(decoding: metadata, as: UTF8.self))))
        members.append(("recordedAt", .string(Timestamp.format(record.recordedAt))))
        return .object(members)
    }

    /// The payload as JSON text to embed verbatim, or `nil` when it must be
    /// written as base64 (not UTF-8 JSON, surrounding whitespace, or line breaks).
    ///
    /// - Parameter data: An event's data.
    /// - Returns: The text, or `nil`.
    static func verbatimJSON(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty, !bytes.contains(0x0A), !bytes.contains(0x0D),
            let range = try? JSONReader.validate(bytes), range == 0..<bytes.count
        else { return nil }
        // Valid JSON is valid UTF-8 (the reader checks strings; anything else outside them is a syntax error).
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses one line.
    ///
    /// ```swift
    /// let record = try EventLine.decode(Array(line.utf8))
    /// ```
    ///
    /// - Parameter line: The UTF-8 bytes of the line, without its line break.
    /// - Returns: The event.
    /// - Throws: ``CommandError`` (bad input) saying what is wrong: invalid JSON,
    ///   a missing or mistyped member, an invalid stream name, id, metadata or time.
    public static func decode(_ line: [UInt8]) throws -> EventRecord {
        let members: [(key: String, value: Range<Int>)]
        do {
            members = try JSONReader.objectMembers(line)
        } catch {
            throw CommandError(.badInput, "invalid JSON: \(error)")
        }
        var values: [String: Range<Int>] = [:]
        for member in members {
            guard values.updateValue(member.value, forKey: member.key) == nil else {
                throw CommandError(.badInput, "member \"\(member.key)\" appears twice")
            }
        }
        func slice(_ key: String) -> ArraySlice<UInt8>? { values[key].map { line[$0] } }
        func required(_ key: String) throws -> ArraySlice<UInt8> {
            guard let value = slice(key) else { throw CommandError(.badInput, "member \"\(key)\" is missing") }
            return value
        }
        func string(_ key: String) throws -> String {
            let value = try required(key)
            guard value.first == UInt8(ascii: "\""), let text = try? JSONReader.string(value) else {
                throw CommandError(.badInput, "member \"\(key)\" must be a string")
            }
            return text
        }
        func integer(_ key: String, default defaultValue: Int64? = nil) throws -> Int64 {
            guard let value = slice(key) else {
                if let defaultValue { return defaultValue }
                throw CommandError(.badInput, "member \"\(key)\" is missing")
            }
            guard let number = Int64(String(decoding: value, as: UTF8.self)), number >= 1 else {
                throw CommandError(.badInput, "member \"\(key)\" must be an integer of at least 1")
            }
            return number
        }

        let position = try integer("position")
        let streamText = try string("stream")
        let stream: StreamName
        do {
            stream = try StreamName(streamText)
        } catch let error as EventStoreError {
            throw CommandError(.badInput, error.message)
        }
        let version = try integer("version")
        let idText = try string("id")
        guard let id = UUID(uuidString: idText) else {
            throw CommandError(.badInput, "member \"id\" is not a UUID: '\(idText)'")
        }
        let type = try string("type")
        let schemaVersion = try integer("schemaVersion", default: 1)
        guard schemaVersion <= Int64(Int32.max) else {
            throw CommandError(.badInput, "member \"schemaVersion\" is too large")
        }
        let data: Data
        switch (slice("data"), values["dataBase64"] != nil) {
        case (let raw?, false):
            data = Data(raw)
        case (nil, true):
            guard let decoded = Data(base64Encoded: try string("dataBase64")) else {
                throw CommandError(.badInput, "member \"dataBase64\" is not base64")
            }
            data = decoded
        case (.some, true):
            throw CommandError(.badInput, "members \"data\" and \"dataBase64\" are both present; give one")
        case (nil, false):
            throw CommandError(.badInput, "member \"data\" is missing")
        }
        let metadata: EventMetadata
        if let raw = slice("metadata"), !raw.elementsEqual("null".utf8) {
            guard raw.first == UInt8(ascii: "{"), let parsed = try? EventMetadata(jsonData: Data(raw)) else {
                throw CommandError(
                    .badInput,
                    "member \"metadata\" must be an object with string \"correlationId\" and \"causationId\" "
                        + "and a \"headers\" object of strings")
            }
            metadata = parsed
        } else {
            metadata = .empty
        }
        let recordedAt = try Timestamp.parse(try string("recordedAt"))
        return EventRecord(
            position: GlobalPosition(position), stream: stream, version: version, id: id, type: type,
            schemaVersion: Int(schemaVersion), data: data, metadata: metadata, recordedAt: recordedAt)
    }
}
