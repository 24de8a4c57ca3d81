extension JSONReader {
    /// Why bytes are not one JSON value, and where.
    ///
    /// The description names the column (the byte offset plus one), as the
    /// CLI reports it: `unexpected character '}' at column 6`.
    package struct SyntaxError: Error, CustomStringConvertible, Equatable {
        /// The offset of the byte where reading stopped.
        package let offset: Int
        /// What was wrong there.
        package let reason: String

        package init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        package var description: String { "\(reason) at column \(offset + 1)" }
    }

    /// Checks that `bytes` hold exactly one JSON value, with whitespace around
    /// it at most.
    ///
    /// ```swift
    /// let value = try JSONReader.validate(bytes)  // the value's range, whitespace trimmed
    /// ```
    ///
    /// - Parameters:
    /// - Parameter bytes: The text, in UTF-8.
    /// - Returns: The range of the value, without the whitespace.
    /// - Throws: ``SyntaxError``.
    @discardableResult
    package static func validate(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Range<Int> {
        let validator = Validator(bytes: bytes)
        let start = skipWhitespace(bytes, 0)
        let end = try validator.value(at: start, depth: 0)
        guard skipWhitespace(bytes, end) == bytes.count else {
            throw validator.error("unexpected text after the JSON value", at: skipWhitespace(bytes, end))
        }
        return start..<end
    }

    /// Checks that `bytes` hold exactly one JSON value; see `validate(_:)`.
    @discardableResult
    package static func validate(_ bytes: [UInt8]) throws -> Range<Int> {
        try bytes.withUnsafeBufferPointer { try validate($0) }
    }

    /// Reads text holding one JSON object: its members' keys and the ranges
    /// of their values (validated), in order, duplicates included.
    ///
    /// ```swift
    /// let members = try JSONReader.objectMembers(Array(#"{"a":[1]}"#.utf8))  // [("a", 5..<8)]
    /// ```
    ///
    /// - Parameter bytes: The text, in UTF-8.
    /// - Returns: The members.
    /// - Throws: ``SyntaxError``.
    package static func objectMembers(_ bytes: [UInt8]) throws -> [(key: String, value: Range<Int>)] {
        try bytes.withUnsafeBufferPointer { bytes in
            let validator = Validator(bytes: bytes)
            var i = skipWhitespace(bytes, 0)
            guard i < bytes.count, bytes[i] == openBrace else {
                throw validator.error("expected a JSON object ('{')", at: i)
            }
            var members: [(key: String, value: Range<Int>)] = []
            i = skipWhitespace(bytes, i + 1)
            if i < bytes.count, bytes[i] == closeBrace {
                i += 1
            } else {
                while true {
                    i = skipWhitespace(bytes, i)
                    guard i < bytes.count, bytes[i] == quote else {
                        throw validator.error("expected a member name in quotes", at: i)
                    }
                    let keyStart = i
                    i = try validator.string(at: i)
                    let key = try string(bytes, at: keyStart).0
                    i = skipWhitespace(bytes, i)
                    guard i < bytes.count, bytes[i] == colon else {
                        throw validator.error("expected ':' after \"\(key)\"", at: i)
                    }
                    let valueStart = skipWhitespace(bytes, i + 1)
                    i = try validator.value(at: valueStart, depth: 1)
                    members.append((key, valueStart..<i))
                    i = skipWhitespace(bytes, i)
                    if i < bytes.count, bytes[i] == comma {
                        i += 1
                        continue
                    }
                    guard i < bytes.count, bytes[i] == closeBrace else { throw validator.error("expected ',' or '}'", at: i) }
                    i += 1
                    break
                }
            }
            i = skipWhitespace(bytes, i)
            guard i == bytes.count else { throw validator.error("unexpected text after the JSON object", at: i) }
            return members
        }
    }

    /// The string that `bytes` hold, quotes included, and nothing else.
    ///
    /// ```swift
    /// let text = try JSONReader.string(Array(#""a\nb""#.utf8)[...])  // "a\nb"
    /// ```
    ///
    /// - Parameter bytes: A quoted JSON string, in UTF-8.
    /// - Returns: The string, escapes decoded.
    /// - Throws: ``SyntaxError`` when the bytes are not exactly one valid string.
    package static func string(_ bytes: ArraySlice<UInt8>) throws -> String {
        try bytes.withUnsafeBufferPointer { bytes in
            let validator = Validator(bytes: bytes)
            guard !bytes.isEmpty, bytes[0] == quote else { throw validator.error("expected a string", at: 0) }
            let end = try validator.string(at: 0)
            guard end == bytes.count else { throw validator.error("unexpected text after the string", at: end) }
            return try string(bytes, at: 0).0
        }
    }

    /// Validates JSON syntax, strings (escapes, control characters, UTF-8),
    /// numbers and nesting depth; each function returns the index after what
    /// it read.
    struct Validator {
        let bytes: UnsafeBufferPointer<UInt8>

        /// The error for `reason` at `index`, naming the end of the text when it is there.
        func error(_ reason: String, at index: Int) -> SyntaxError {
            if index >= bytes.count { return SyntaxError(offset: index, reason: reason + ", found the end of the line") }
            return SyntaxError(offset: index, reason: reason)
        }

        func value(at index: Int, depth: Int) throws -> Int {
            guard depth < JSONReader.maximumDepth else {
                throw error("JSON nested deeper than \(JSONReader.maximumDepth) levels", at: index)
            }
            guard index < bytes.count else { throw error("expected a JSON value", at: index) }
            switch bytes[index] {
            case openBrace: return try container(at: index, close: closeBrace, keyed: true, depth: depth)
            case openBracket: return try container(at: index, close: closeBracket, keyed: false, depth: depth)
            case quote: return try string(at: index)
            case UInt8(ascii: "t"): return try literal("true", at: index)
            case UInt8(ascii: "f"): return try literal("false", at: index)
            case UInt8(ascii: "n"): return try literal("null", at: index)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(at: index)
            case let byte: throw error("unexpected character '\(Unicode.Scalar(byte))'", at: index)
            }
        }

        func container(at index: Int, close: UInt8, keyed: Bool, depth: Int) throws -> Int {
            var i = skipWhitespace(bytes, index + 1)
            if i < bytes.count, bytes[i] == close { return i + 1 }
            while true {
                i = skipWhitespace(bytes, i)
                if keyed {
                    guard i < bytes.count, bytes[i] == quote else { throw error("expected a member name in quotes", at: i) }
                    i = skipWhitespace(bytes, try string(at: i))
                    guard i < bytes.count, bytes[i] == colon else { throw error("expected ':'", at: i) }
                    i = skipWhitespace(bytes, i + 1)
                }
                i = skipWhitespace(bytes, try value(at: i, depth: depth + 1))
                guard i < bytes.count else { throw error("expected ',' or '\(Unicode.Scalar(close))'", at: i) }
                if bytes[i] == close { return i + 1 }
                guard bytes[i] == comma else { throw error("expected ',' or '\(Unicode.Scalar(close))'", at: i) }
                i += 1
            }
        }

        func string(at index: Int) throws -> Int {
            var i = index + 1
            while true {
                i = plainRunEnd(bytes, from: i)
                guard i < bytes.count else { throw error("unterminated string", at: i) }
                switch bytes[i] {
                case quote:
                    return i + 1
                case backslash:
                    guard i + 1 < bytes.count else { throw error("unfinished escape", at: i + 1) }
                    switch bytes[i + 1] {
                    case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                        UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        guard hex4(bytes, i + 2) != nil else {
                            throw error("expected four hex digits after \\u", at: i + 1)
                        }
                        i += 6
                    case let escape:
                        throw error("invalid escape '\\\(Unicode.Scalar(escape))'", at: i + 1)
                    }
                case 0..<0x20:
                    throw error("a control character inside a string", at: i)
                default:
                    i = try utf8Sequence(at: i)
                }
            }
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
            default: throw error("a string is not valid UTF-8", at: index)
            }
            guard index + length <= bytes.count else { throw error("a string is not valid UTF-8", at: index) }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { throw error("a string is not valid UTF-8", at: index) }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw error("a string is not valid UTF-8", at: index)
            }
            return index + length
        }

        func literal(_ text: StaticString, at index: Int) throws -> Int {
            guard hasLiteral(bytes, text, at: index) else { throw error("expected '\(text)'", at: index) }
            return index + text.utf8CodeUnitCount
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        func number(at index: Int) throws -> Int {
            var i = index
            func isDigit(_ i: Int) -> Bool {
                i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw error("expected a digit", at: i) }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                while isDigit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard isDigit(i) else { throw error("expected a digit after '.'", at: i) }
                while isDigit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard isDigit(i) else { throw error("expected a digit in the exponent", at: i) }
                while isDigit(i) { i += 1 }
            }
            return i
        }
    }
}
