/// A strict, allocation-light JSON reader over UTF-8 bytes that reports where
/// each value is instead of building it: the event line format keeps `data`
/// byte for byte, which a decoder that rebuilds values cannot do.
struct JSONScanner {
    /// A syntax error at a byte offset of the scanned text.
    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at column \(offset + 1)" }
    }

    /// The deepest nesting accepted, so that hostile input cannot exhaust the stack.
    static let maximumDepth = 256

    let bytes: [UInt8]
    private(set) var index: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    /// Checks that `bytes` are exactly one JSON value, with optional surrounding whitespace.
    ///
    /// - Returns: The range of the value, without the whitespace.
    static func validateSingleValue(_ bytes: [UInt8]) throws -> Range<Int> {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        let start = scanner.index
        try scanner.skipValue(depth: 0)
        let end = scanner.index
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected text after the JSON value") }
        return start..<end
    }

    /// Reads a line holding one JSON object: its members' keys and value ranges, in order.
    static func objectMembers(_ bytes: [UInt8]) throws -> [(key: String, value: Range<Int>)] {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("expected a JSON object ('{')") }
        scanner.index += 1
        var members: [(key: String, value: Range<Int>)] = []
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error("expected a member name in quotes") }
                let keyStart = scanner.index
                try scanner.skipString()
                let key = try JSONScanner.decodeString(bytes[keyStart..<scanner.index])
                scanner.skipWhitespace()
                guard scanner.peek() == UInt8(ascii: ":") else { throw scanner.error("expected ':' after \"\(key)\"") }
                scanner.index += 1
                scanner.skipWhitespace()
                let valueStart = scanner.index
                try scanner.skipValue(depth: 1)
                members.append((key, valueStart..<scanner.index))
                scanner.skipWhitespace()
                if scanner.peek() == UInt8(ascii: ",") {
                    scanner.index += 1
                    continue
                }
                guard scanner.peek() == UInt8(ascii: "}") else { throw scanner.error("expected ',' or '}'") }
                scanner.index += 1
                break
            }
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected text after the JSON object") }
        return members
    }

    /// Decodes a quoted JSON string (quotes included) into a Swift string.
    static func decodeString(_ slice: ArraySlice<UInt8>) throws -> String {
        guard slice.count >= 2, slice.first == UInt8(ascii: "\""), slice.last == UInt8(ascii: "\"") else {
            throw SyntaxError(offset: slice.startIndex, reason: "expected a string")
        }
        let body = slice.dropFirst().dropLast()
        if !body.contains(UInt8(ascii: "\\")) {
            guard let text = String(validating: body, as: UTF8.self) else {
                throw SyntaxError(offset: slice.startIndex, reason: "a string is not valid UTF-8")
            }
            return text
        }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() throws {
            guard !utf8.isEmpty else { return }
            guard let text = String(validating: utf8, as: UTF8.self) else {
                throw SyntaxError(offset: slice.startIndex, reason: "a string is not valid UTF-8")
            }
            scalars.append(contentsOf: text.unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        var i = body.startIndex
        while i < body.endIndex {
            let byte = body[i]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                i += 1
                continue
            }
            try flush()
            let escape = body[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            default:
                // \uXXXX, possibly a surrogate pair (skipString checked the hex digits).
                var value = hex4(body, at: i)
                i += 4
                if (0xD800..<0xDC00).contains(value), i + 6 <= body.endIndex, body[i] == UInt8(ascii: "\\"),
                    body[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(body, at: i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw SyntaxError(offset: slice.startIndex, reason: "a string holds an unpaired surrogate")
                }
                scalars.append(scalar)
            }
        }
        try flush()
        return String(scalars)
    }

    private static func hex4(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        bytes[index..<index + 4].reduce(0) { value, byte in value << 4 | UInt32(hexValue(byte) ?? 0) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Scanning

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ reason: String) -> SyntaxError {
        if index >= bytes.count { return SyntaxError(offset: index, reason: reason + ", found the end of the line") }
        return SyntaxError(offset: index, reason: reason)
    }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    mutating func skipValue(depth: Int) throws {
        guard depth < Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
        guard let byte = peek() else { throw error("expected a JSON value") }
        switch byte {
        case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw error("unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws {
        index += 1
        skipWhitespace()
        if peek() == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if keyed {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                try skipString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard peek() == close else { throw error("expected ',' or '\(Unicode.Scalar(close))'") }
            index += 1
            return
        }
    }

    private mutating func skipString() throws {
        index += 1
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek() else { throw error("unfinished escape") }
                if escape == UInt8(ascii: "u") {
                    for offset in 1...4 {
                        guard index + offset < bytes.count, Self.hexValue(bytes[index + offset]) != nil else {
                            throw error("expected four hex digits after \\u")
                        }
                    }
                    index += 5
                } else if [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t")].contains(escape)
                {
                    index += 1
                } else {
                    throw error("invalid escape '\\\(Unicode.Scalar(escape))'")
                }
            case 0x00..<0x20:
                throw error("a control character inside a string")
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func skipLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        guard index + count <= bytes.count, bytes[index..<index + count].elementsEqual(expected) else {
            throw error("expected '\(literal)'")
        }
        index += count
    }

    private mutating func skipNumber() throws {
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard isDigit(peek()) else { throw error("expected a digit") }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard isDigit(peek()) else { throw error("expected a digit after '.'") }
            while isDigit(peek()) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard isDigit(peek()) else { throw error("expected a digit in the exponent") }
            while isDigit(peek()) { index += 1 }
        }
    }
}
