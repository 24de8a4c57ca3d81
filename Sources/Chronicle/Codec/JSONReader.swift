internal import Foundation

/// Chronicle's one byte-level JSON reader: validating a document (with an
/// error that says what is wrong and where), skipping values, finding an
/// object's members, and reading strings and numbers.
///
/// Three readers use it, each for speed: the hand-written payload codec
/// (``JSONEventCodec``'s fast paths, which give up and run Foundation's
/// decoder on anything it does not handle exactly as Foundation would), the
/// stores' reader of stored metadata (``EventMetadata/init(storedJSON:)``) and
/// the CLI's JSON Lines and `--data` options, which keep a value's bytes as
/// they are instead of rebuilding it.
///
/// ```swift
/// let bytes = Array(#"{"amount":30}"#.utf8)
/// let members = try JSONReader.objectMembers(bytes)  // [("amount", 10..<12)]
/// ```
///
/// The reader is strict: one value per document, RFC 8259 grammar, strings in
/// valid UTF-8 without control characters, escapes checked, at most
/// ``maximumDepth`` levels. Functions that take an index and say "validated"
/// trust that the bytes passed `validate(_:)`;
/// they do not check bounds.
///
/// Package-visible: the stores, the CLI and the fuzz checks read through it.
package enum JSONReader {
    /// Input the payload codec's fast path does not handle (a number that
    /// does not fit, a float, a type it does not know): use Foundation.
    package struct Unsupported: Error {
        package init() {}
    }

    /// The deepest nesting accepted: Foundation's `JSONDecoder` refuses
    /// deeper documents too, so the codec's fast path agrees with it, and
    /// hostile input to the CLI cannot exhaust the stack.
    package static let maximumDepth = 512

    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The index of the first byte at or after `index` that is not whitespace.
    @inline(__always)
    package static func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var index = index
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        return index
    }

    // MARK: - Strings

    /// The index of the first byte at or after `index` that needs a look of
    /// its own inside a string (a quote, a backslash, a control character or
    /// a byte that is not ASCII), or `bytes.count`.
    ///
    /// Plain ASCII is skipped eight bytes at a time: the strings of events
    /// and their metadata are mostly ids and words, and a byte-by-byte loop
    /// was a measurable part of reading a row.
    @inline(__always)
    static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        guard let base = bytes.baseAddress else { return index }
        var offset = index
        while offset + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
            let special = specialBytes(word)
            // The lowest flagged byte is a real one (the bit tests only ever
            // add false flags above a real one).
            if special != 0 { return offset + special.trailingZeroBitCount / 8 }
            offset += 8
        }
        while offset < bytes.count {
            let byte = base[offset]
            if byte == quote || byte == backslash || byte < 0x20 || byte >= 0x80 { return offset }
            offset += 1
        }
        return offset
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that is a quote, a backslash,
    /// below 0x20 or above 0x7F (the classic "has a zero byte" and "has a
    /// byte less than" tests).
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(quote))
        let backslashes = word ^ (ones &* UInt64(backslash))
        let zeroInQuotes = (quotes &- ones) & ~quotes
        let zeroInBackslashes = (backslashes &- ones) & ~backslashes
        let control = (word &- ones &* 0x20) & ~word
        return (zeroInQuotes | zeroInBackslashes | control | word) & highBits
    }

    /// The content of the string at `index` (a quote) when it holds no
    /// escape and no control character, whether it is all ASCII, and the
    /// index after its closing quote; `nil` for anything else (no string
    /// there, an escape, a control character, no closing quote). Works on
    /// bytes that were not validated; UTF-8 is the caller's to check (ASCII
    /// needs none).
    package static func plainString(
        _ bytes: UnsafeBufferPointer<UInt8>, at index: Int
    ) -> (content: Range<Int>, isASCII: Bool, end: Int)? {
        guard index < bytes.count, bytes[index] == quote else { return nil }
        let start = index + 1
        var offset = start
        var isASCII = true
        while true {
            offset = plainRunEnd(bytes, from: offset)
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            if byte == quote { return (start..<offset, isASCII, offset + 1) }
            if byte == backslash || byte < 0x20 { return nil }
            isASCII = false
            offset += 1
        }
    }

    /// The validated string starting at `index` and the index after it.
    ///
    /// - Throws: ``Unsupported`` when the value at `index` is not a string;
    ///   ``SyntaxError`` when an escape names a lone surrogate (which
    ///   Foundation refuses too).
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws -> (String, Int) {
        guard bytes[index] == quote else { throw Unsupported() }
        let end = plainRunEnd(bytes, from: index + 1)
        if bytes[end] == quote {
            // Validated (UTF-8 included): no repair can happen here.
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self), end + 1)
        }
        // Not ASCII: look past each such byte (validated, so it is UTF-8).
        var i = end
        while bytes[i] != quote {
            if bytes[i] == backslash { return try escapedString(bytes, at: index) }
            i = plainRunEnd(bytes, from: i + 1)
        }
        return (String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<i]), as: UTF8.self), i + 1)
    }

    /// A validated string with escapes.
    private static func escapedString(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws -> (String, Int) {
        var output: [UInt8] = []
        var i = index + 1
        while bytes[i] != quote {
            let byte = bytes[i]
            guard byte == backslash else {
                output.append(byte)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(bytes, i) ?? 0
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= bytes.count, bytes[i] == backslash,
                    bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, i + 2), low >= 0xDC00 && low < 0xE000
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw SyntaxError(offset: index, reason: "a string holds an unpaired surrogate")
                }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:  // a quote, a backslash or a slash, as validated
                output.append(escape)
            }
        }
        return (String(decoding: output, as: UTF8.self), i + 1)
    }

    /// The four hex digits at `index` as a number, or `nil` when they are not.
    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Whether the bytes in `range` (a key without escapes) equal `key` byte for byte.
    @inline(__always)
    static func keyEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ key: String) -> Bool {
        var key = key
        return key.withUTF8 { utf8 in
            guard utf8.count == range.count else { return false }
            var i = range.lowerBound
            for byte in utf8 {
                if bytes[i] != byte { return false }
                i += 1
            }
            return true
        }
    }

    /// Whether the bytes in `range` are `literal`'s.
    @inline(__always)
    package static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, equal literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && range.upperBound <= bytes.count
            && memcmp(bytes.baseAddress! + range.lowerBound, literal.utf8Start, range.count) == 0
    }

    /// Whether `literal` starts at `index`.
    @inline(__always)
    package static func hasLiteral(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    // MARK: - Values

    /// The index right after the validated value starting at `index`.
    static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        switch bytes[index] {
        case quote:
            return skipString(bytes, index)
        case openBrace, openBracket:
            var depth = 0
            var i = index
            repeat {
                let byte = bytes[i]
                if byte == quote {
                    i = skipString(bytes, i) - 1
                } else if byte == openBrace || byte == openBracket {
                    depth += 1
                } else if byte == closeBrace || byte == closeBracket {
                    depth -= 1
                }
                i += 1
            } while depth > 0
            return i
        default:
            var i = index
            while i < bytes.count {
                let byte = bytes[i]
                if byte == comma || byte == closeBrace || byte == closeBracket || isWhitespace(byte) { break }
                i += 1
            }
            return i
        }
    }

    /// The index right after the validated string starting at `index` (a quote).
    @inline(__always)
    static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var i = index + 1
        while true {
            i = plainRunEnd(bytes, from: i)
            let byte = bytes[i]
            if byte == quote { return i + 1 }
            i += byte == backslash ? 2 : 1
        }
    }

    /// A validated integer written without fraction or exponent, in range for `T`.
    ///
    /// - Throws: ``Unsupported`` for a fraction, an exponent or a number out
    ///   of range (Foundation decides those).
    static func integer<T: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, as: T.Type) throws -> T {
        var i = index
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative {
            guard T.isSigned else { throw Unsupported() }
            i += 1
        }
        var value: T = 0
        let start = i
        while i < bytes.count {
            let byte = bytes[i]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            let digit = T(byte - UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw Unsupported() }
            value = next
            i += 1
        }
        guard i > start else { throw Unsupported() }
        if i < bytes.count {
            let next = bytes[i]
            // A fraction or an exponent: let Foundation decide whether it fits.
            guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else {
                throw Unsupported()
            }
        }
        return value
    }

    /// A validated number as a `Double` (finite).
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws -> Double {
        let end = skipValue(bytes, index)
        let first = bytes[index]
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw Unsupported()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Unsupported() }
        return value
    }
}
