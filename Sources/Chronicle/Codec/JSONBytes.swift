/// Byte-level JSON: validating a document, skipping values, reading strings and
/// numbers. The fast paths of ``JSONEventCodec`` are built on it.
///
/// Anything it does not handle exactly as Foundation's `JSONDecoder` would
/// (escaped keys, lone surrogates, numbers that do not fit) makes it give up
/// with ``JSONBytes/Unsupported``; the codec then runs Foundation's decoder,
/// which decides (and reports errors) as it always has.
enum JSONBytes {
    /// The fast path does not handle this input: use Foundation.
    struct Unsupported: Error {}

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
    static func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        var index = index
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        return index
    }

    /// Checks that `bytes` hold exactly one valid JSON value (surrounded by
    /// whitespace at most), with valid strings and numbers.
    static func validateDocument(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let validator = Validator(bytes: bytes)
        var index = skipWhitespace(bytes, 0)
        index = try validator.value(at: index, depth: 0)
        guard skipWhitespace(bytes, index) == bytes.count else { throw Unsupported() }
    }

    /// The index right after the value starting at `index` (the input is already validated).
    static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        switch bytes[index] {
        case quote:
            var i = index + 1
            while bytes[i] != quote { i += bytes[i] == backslash ? 2 : 1 }
            return i + 1
        case openBrace, openBracket:
            var depth = 0
            var i = index
            repeat {
                let byte = bytes[i]
                if byte == quote {
                    i += 1
                    while bytes[i] != quote { i += bytes[i] == backslash ? 2 : 1 }
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

    /// The string starting at `index` (a quote) and the index after it.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws -> (String, Int) {
        guard bytes[index] == quote else { throw Unsupported() }
        var i = index + 1
        while true {
            let byte = bytes[i]
            if byte == quote { break }
            if byte == backslash { return try escapedString(bytes, at: index) }
            i += 1
        }
        // The document was validated (UTF-8 included): no repair can happen here.
        return (String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<i]), as: UTF8.self), i + 1)
    }

    /// A string with escapes.
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
            case quote, backslash, UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(bytes, i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A surrogate pair: the low half must follow.
                    guard i + 6 <= bytes.count, bytes[i] == backslash, bytes[i + 1] == UInt8(ascii: "u") else {
                        throw Unsupported()
                    }
                    let low = try hex4(bytes, i + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw Unsupported() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw Unsupported()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Unsupported() }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw Unsupported()
            }
        }
        return (String(decoding: output, as: UTF8.self), i + 1)
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Unsupported() }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unsupported()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Whether the key at `index` (a quote) equals `key` byte for byte, without escapes.
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

    /// An integer written without fraction or exponent, in range for `T`.
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

    /// A number as a `Double` (finite).
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

    /// Validates JSON syntax, strings (escapes, control characters, UTF-8) and numbers.
    private struct Validator {
        let bytes: UnsafeBufferPointer<UInt8>

        func value(at index: Int, depth: Int) throws -> Int {
            guard index < bytes.count, depth < 512 else { throw Unsupported() }
            switch bytes[index] {
            case openBrace: return try object(at: index, depth: depth)
            case openBracket: return try array(at: index, depth: depth)
            case quote: return try string(at: index)
            case UInt8(ascii: "t"): return try literal("true", at: index)
            case UInt8(ascii: "f"): return try literal("false", at: index)
            case UInt8(ascii: "n"): return try literal("null", at: index)
            default: return try number(at: index)
            }
        }

        func object(at index: Int, depth: Int) throws -> Int {
            var i = skipWhitespace(bytes, index + 1)
            guard i < bytes.count else { throw Unsupported() }
            if bytes[i] == closeBrace { return i + 1 }
            while true {
                guard i < bytes.count, bytes[i] == quote else { throw Unsupported() }
                i = skipWhitespace(bytes, try string(at: i))
                guard i < bytes.count, bytes[i] == colon else { throw Unsupported() }
                i = skipWhitespace(bytes, try value(at: skipWhitespace(bytes, i + 1), depth: depth + 1))
                guard i < bytes.count else { throw Unsupported() }
                if bytes[i] == closeBrace { return i + 1 }
                guard bytes[i] == comma else { throw Unsupported() }
                i = skipWhitespace(bytes, i + 1)
            }
        }

        func array(at index: Int, depth: Int) throws -> Int {
            var i = skipWhitespace(bytes, index + 1)
            guard i < bytes.count else { throw Unsupported() }
            if bytes[i] == closeBracket { return i + 1 }
            while true {
                i = skipWhitespace(bytes, try value(at: i, depth: depth + 1))
                guard i < bytes.count else { throw Unsupported() }
                if bytes[i] == closeBracket { return i + 1 }
                guard bytes[i] == comma else { throw Unsupported() }
                i = skipWhitespace(bytes, i + 1)
            }
        }

        func string(at index: Int) throws -> Int {
            var i = index + 1
            while i < bytes.count {
                let byte = bytes[i]
                switch byte {
                case quote:
                    return i + 1
                case backslash:
                    guard i + 1 < bytes.count else { throw Unsupported() }
                    switch bytes[i + 1] {
                    case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                        UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        _ = try hex4(bytes, i + 2)
                        i += 6
                    default:
                        throw Unsupported()
                    }
                case 0..<0x20:
                    throw Unsupported()
                case 0x80...:
                    i = try utf8Sequence(at: i)
                default:
                    i += 1
                }
            }
            throw Unsupported()
        }

        /// One well-formed multi-byte UTF-8 sequence; the index after it.
        func utf8Sequence(at index: Int) throws -> Int {
            let lead = bytes[index]
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(lead & 0x0F))
            case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(lead & 0x07))
            default: throw Unsupported()
            }
            guard index + length <= bytes.count else { throw Unsupported() }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { throw Unsupported() }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { throw Unsupported() }
            return index + length
        }

        func literal(_ text: StaticString, at index: Int) throws -> Int {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Unsupported() }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { throw Unsupported() }
            return index + count
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        func number(at index: Int) throws -> Int {
            var i = index
            func digits() throws {
                let start = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                guard i > start else { throw Unsupported() }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count else { throw Unsupported() }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                try digits()
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                try digits()
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                try digits()
            }
            return i
        }
    }
}
