package import Foundation

extension EventMetadata {
    /// The stored JSON form written directly, when every string is plain
    /// printable ASCII without `"` or `\` and there is at most one header; `nil`
    /// otherwise (then `JSONEncoder` writes it).
    ///
    /// The bytes are exactly what `JSONEncoder` with sorted keys and unescaped
    /// slashes writes for the same value (a test compares them); this skips the
    /// encoder's set-up and its intermediate tree, several microseconds per event.
    func plainJSONData() -> Data? {
        guard headers.count <= 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: StaticString) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        // Keys in sorted order: causationId, correlationId, headers.
        if let causationId {
            member("causationId")
            guard Self.appendPlain(causationId, to: &bytes) else { return nil }
        }
        if let correlationId {
            member("correlationId")
            guard Self.appendPlain(correlationId, to: &bytes) else { return nil }
        }
        if let (key, value) = headers.first {
            member("headers")
            bytes.append(UInt8(ascii: "{"))
            guard Self.appendPlain(key, to: &bytes) else { return nil }
            bytes.append(UInt8(ascii: ":"))
            guard Self.appendPlain(value, to: &bytes) else { return nil }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// Appends `"text"` when it needs no escaping; `false` otherwise.
    private static func appendPlain(_ text: String, to bytes: inout [UInt8]) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        bytes.append(UInt8(ascii: "\""))
        return plain
    }

    // MARK: - Reading

    /// The metadata in `data` read by the fast path, or `nil` when the fast
    /// path does not apply (then ``init(jsonData:)`` decides).
    ///
    /// Stored metadata is the small object ``jsonData()`` writes:
    /// `{"causationId":"…","correlationId":"…","headers":{"k":"v"}}`. Decoding
    /// it with `JSONDecoder` costs a few microseconds per event — more than
    /// reading the row — so rows are read here, through ``JSONReader``.
    /// Anything outside the plain shape (escapes, unknown or duplicate keys,
    /// values that are not strings, invalid UTF-8) gives `nil`.
    ///
    /// ```swift
    /// let metadata = EventMetadata(plainJSON: Data(#"{"correlationId":"c-1"}"#.utf8))
    /// ```
    ///
    /// - Parameter data: Stored metadata.
    package init?(plainJSON data: Data) {
        if data.isEmpty {
            self = .empty
            return
        }
        guard let metadata = data.withUnsafeBytes({ raw in
            var reader = PlainMetadataReader(bytes: raw.bindMemory(to: UInt8.self))
            return reader.metadata()
        }) else { return nil }
        self = metadata
    }

    /// Reads stored metadata: the fast path, else the general decoder.
    ///
    /// - Parameter data: Stored metadata (empty for none).
    /// - Throws: ``EventStoreError`` (`invalidMetadata`) when it is not metadata.
    package init(storedJSON data: Data) throws {
        if let metadata = EventMetadata(plainJSON: data) {
            self = metadata
        } else {
            try self.init(jsonData: data)
        }
    }

    /// Reads stored metadata from a column's bytes: the fast path, else the general decoder.
    ///
    /// - Parameter bytes: Stored metadata (empty for none), valid for the call.
    /// - Throws: ``EventStoreError`` (`invalidMetadata`) when it is not metadata.
    package init(storedJSON bytes: UnsafeRawBufferPointer) throws {
        if bytes.isEmpty {
            self = .empty
            return
        }
        var reader = PlainMetadataReader(bytes: bytes.bindMemory(to: UInt8.self))
        if let metadata = reader.metadata() {
            self = metadata
        } else {
            try self.init(jsonData: Data(bytes))
        }
    }
}

/// Reads the plain shape of stored metadata; `nil` for anything else.
private struct PlainMetadataReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The last long string value read (where its bytes are, and the string):
    /// a command's events have the same correlation and causation id, read once.
    var last: (range: Range<Int>, value: String)?

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func metadata() -> EventMetadata? {
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        var correlationId: String?
        var causationId: String?
        var headers: [String: String] = [:]
        var seen: (correlation: Bool, causation: Bool, headers: Bool) = (false, false, false)
        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard let key = JSONReader.plainString(bytes, at: index) else { return nil }
                index = key.end
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if JSONReader.bytes(bytes, key.content, equal: "correlationId") {
                    guard !seen.correlation, let value = stringOrNull() else { return nil }
                    seen.correlation = true
                    correlationId = value
                } else if JSONReader.bytes(bytes, key.content, equal: "causationId") {
                    guard !seen.causation, let value = stringOrNull() else { return nil }
                    seen.causation = true
                    causationId = value
                } else if JSONReader.bytes(bytes, key.content, equal: "headers") {
                    guard !seen.headers, let value = headerObject() else { return nil }
                    seen.headers = true
                    headers = value
                } else {
                    return nil
                }
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { return nil }
        }
        skipWhitespace()
        guard index == bytes.count else { return nil }
        return EventMetadata(correlationId: correlationId, causationId: causationId, headers: headers)
    }

    /// `null` (as `.some(nil)`), a plain string, or `nil` when neither.
    mutating func stringOrNull() -> String?? {
        if consumeNull() { return .some(nil) }
        guard let string = string() else { return nil }
        return .some(string)
    }

    /// An object of plain strings, `null` (empty), or `nil` when neither.
    mutating func headerObject() -> [String: String]? {
        if consumeNull() { return [:] }
        guard consume(UInt8(ascii: "{")) else { return nil }
        var headers: [String: String] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return headers }
        repeat {
            skipWhitespace()
            guard let key = string() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            guard let value = string(), headers.updateValue(value, forKey: key) == nil else { return nil }
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { return nil }
        return headers
    }

    /// A string without escapes or control characters, in valid UTF-8.
    mutating func string() -> String? {
        guard let (range, isASCII, end) = JSONReader.plainString(bytes, at: index) else { return nil }
        index = end
        if let last, last.range.count == range.count,
            memcmp(bytes.baseAddress! + last.range.lowerBound, bytes.baseAddress! + range.lowerBound, range.count) == 0
        {
            return last.value
        }
        let content = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII needs no validation (and skips the generic validating initialiser's cost).
        guard let value = isASCII ? String(decoding: content, as: UTF8.self) : String(validating: content, as: UTF8.self)
        else { return nil }
        if range.count > 15 { last = (range, value) }
        return value
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func consumeNull() -> Bool {
        guard JSONReader.hasLiteral(bytes, "null", at: index) else { return false }
        index += 4
        return true
    }

    mutating func skipWhitespace() {
        index = JSONReader.skipWhitespace(bytes, index)
    }
}
