package import Foundation

/// A fast path for reading stored event metadata.
///
/// Stored metadata is the small JSON object ``EventMetadata/jsonData()`` writes:
/// `{"causationId":"…","correlationId":"…","headers":{"k":"v"}}`. Decoding it
/// with `JSONDecoder` costs a few microseconds per event — more than reading
/// the row — so rows are first parsed here, byte by byte. Anything outside the
/// plain shape (escapes, unknown keys, duplicate keys, non-string values,
/// invalid UTF-8) returns `nil`, and the caller falls back to
/// ``EventMetadata/init(jsonData:)``, which decides (and reports errors) exactly
/// as before.
///
/// Package-visible: both stores read metadata through it, and the fuzz checks
/// (`Fuzz/Checks`) hold it against the general decoder.
package enum StoredMetadataParsing {
    /// The metadata in `data`, or `nil` when the fast path does not apply.
    package static func metadata(_ data: Data) -> EventMetadata? {
        if data.isEmpty { return .empty }
        return data.withUnsafeBytes { raw -> EventMetadata? in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            return parser.parseMetadata()
        }
    }

    /// Reads stored metadata: the fast path, else the general decoder.
    package static func metadataOrDecode(_ data: Data) throws -> EventMetadata {
        if let metadata = metadata(data) { return metadata }
        return try EventMetadata(jsonData: data)
    }

    /// Reads stored metadata from a column's bytes: the fast path, else the general decoder.
    package static func metadataOrDecode(_ bytes: UnsafeRawBufferPointer) throws -> EventMetadata {
        if bytes.isEmpty { return .empty }
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self))
        if let metadata = parser.parseMetadata() { return metadata }
        return try EventMetadata(jsonData: Data(bytes))
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// The last string value read (where its bytes are, and the string): a
        /// command's events have the same correlation and causation id, read once.
        var last: (range: Range<Int>, value: String)?

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func parseMetadata() -> EventMetadata? {
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
                    guard let key = stringRange()?.range else { return nil }
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    switch key {
                    case _ where matches(key, "correlationId"):
                        guard !seen.correlation, let value = parseStringOrNull() else { return nil }
                        seen.correlation = true
                        correlationId = value
                    case _ where matches(key, "causationId"):
                        guard !seen.causation, let value = parseStringOrNull() else { return nil }
                        seen.causation = true
                        causationId = value
                    case _ where matches(key, "headers"):
                        guard !seen.headers, let value = parseHeaders() else { return nil }
                        seen.headers = true
                        headers = value
                    default:
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
        mutating func parseStringOrNull() -> String?? {
            if consumeLiteral("null") { return .some(nil) }
            guard let string = parseString() else { return nil }
            return .some(string)
        }

        /// An object of plain strings, `null` (empty), or `nil` when neither.
        mutating func parseHeaders() -> [String: String]? {
            if consumeLiteral("null") { return [:] }
            guard consume(UInt8(ascii: "{")) else { return nil }
            var headers: [String: String] = [:]
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return headers }
            repeat {
                skipWhitespace()
                guard let key = parseString() else { return nil }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                guard let value = parseString(), headers.updateValue(value, forKey: key) == nil else { return nil }
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { return nil }
            return headers
        }

        /// A string without escapes or control characters, in valid UTF-8.
        mutating func parseString() -> String? {
            guard let (range, isASCII) = stringRange() else { return nil }
            let start = range.lowerBound
            if let last, last.range.count == range.count,
                memcmp(bytes.baseAddress! + last.range.lowerBound, bytes.baseAddress! + start, range.count) == 0
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

        /// Where the content of the string at `index` is and whether it is all
        /// ASCII (moving past it), or `nil` when there is no string there, or one
        /// with an escape or a control character (left to the general decoder).
        ///
        /// Plain ASCII is skipped eight bytes at a time (metadata is mostly ids
        /// of 36 characters); the first byte that is a quote, a backslash, a
        /// control character or not ASCII ends the fast scan and is looked at
        /// on its own.
        mutating func stringRange() -> (range: Range<Int>, isASCII: Bool)? {
            guard consume(UInt8(ascii: "\"")), let base = bytes.baseAddress else { return nil }
            let start = index
            var offset = start
            while offset + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    // The lowest flagged byte is a real one (the bit tests only
                    // ever add false flags above a real one).
                    offset += special.trailingZeroBitCount / 8
                    break
                }
                offset += 8
            }
            var isASCII = true
            while offset < bytes.count {
                let byte = base[offset]
                if byte == UInt8(ascii: "\"") {
                    index = offset + 1
                    return (start..<offset, isASCII)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                if byte >= 0x80 { isASCII = false }
                offset += 1
            }
            return nil
        }

        private static let ones: UInt64 = 0x0101_0101_0101_0101
        private static let highBits: UInt64 = 0x8080_8080_8080_8080

        /// The high bit of each byte of `word` that is a quote, a backslash,
        /// below 0x20 or above 0x7F (the classic "has a zero byte" and "has a
        /// byte less than" tests).
        @inline(__always)
        static func specialBytes(_ word: UInt64) -> UInt64 {
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            let zeroInQuotes = (quotes &- ones) & ~quotes
            let zeroInBackslashes = (backslashes &- ones) & ~backslashes
            let control = (word &- ones &* 0x20) & ~word
            return (zeroInQuotes | zeroInBackslashes | control | word) & highBits
        }

        /// Whether the bytes in `range` are `literal`'s.
        func matches(_ range: Range<Int>, _ literal: StaticString) -> Bool {
            range.count == literal.utf8CodeUnitCount
                && memcmp(bytes.baseAddress! + range.lowerBound, literal.utf8Start, range.count) == 0
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func consumeLiteral(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }
    }
}
