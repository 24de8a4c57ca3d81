import Chronicle
import Foundation
import Testing

/// The one byte-level JSON reader that the payload codec, the stores'
/// metadata reader and the CLI share: what it accepts, what it says about
/// what it refuses (the CLI prints these words), and its eight-bytes-at-a-time
/// string scan against a plain byte loop.
@Suite("JSON reader")
struct JSONReaderTests {
    func validate(_ text: String) throws -> Range<Int> {
        try JSONReader.validate(Array(text.utf8))
    }

    func syntaxError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JSONReader.validate(bytes)
            return nil
        } catch let error as JSONReader.SyntaxError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #""""#, "0", "-0", "12.5e-3", "1E+2", "true", "false", "null",
        #"  {"a" : [1, -2.5, "x", {"b": null}], "c": true}  "#, "\n\t[ ]\r\n",
        #""\" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE42""#, #""é漢字🙂""#,
        #"{"a":1,"a":2}"#,  // duplicate keys are the reader's caller's business
    ])
    func acceptsValidJSONAsFoundationDoes(text: String) throws {
        let range = try validate(text)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Array(text.utf8)[range] == Array(trimmed.utf8)[...])
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
    }

    @Test(arguments: [
        ("", "expected a JSON value, found the end of the line at column 1"),
        (#"{"a":}"#, "unexpected character '}' at column 6"),
        (#"{"a" 1}"#, "expected ':' at column 6"),
        (#"{a:1}"#, "expected a member name in quotes at column 2"),
        (#"[1 2]"#, "expected ',' or ']' at column 4"),
        (#"{"a":1"#, "expected ',' or '}', found the end of the line at column 7"),
        (#"{} x"#, "unexpected text after the JSON value at column 4"),
        (#""abc"#, "unterminated string, found the end of the line at column 5"),
        (#""a\"#, "unfinished escape, found the end of the line at column 4"),
        (#""\x""#, "invalid escape '\\x' at column 3"),
        (#""\u12G4""#, "expected four hex digits after \\u at column 3"),
        ("\"a\u{01}\"", "a control character inside a string at column 3"),
        ("tru", "expected 'true' at column 1"),
        ("nul", "expected 'null' at column 1"),
        ("-", "expected a digit, found the end of the line at column 2"),
        ("01", "unexpected text after the JSON value at column 2"),
        ("1.", "expected a digit after '.', found the end of the line at column 3"),
        ("1e+", "expected a digit in the exponent, found the end of the line at column 4"),
        ("+1", "unexpected character '+' at column 1"),
    ])
    func refusesInvalidJSONSayingWhatAndWhere(text: String, message: String) {
        #expect(syntaxError(Array(text.utf8)) == message)
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) == nil)
    }

    @Test(arguments: [
        [0xFF],  // never a UTF-8 byte
        [0xC0, 0xAF],  // overlong
        [0xE0, 0x80, 0xAF],  // overlong
        [0xED, 0xA0, 0x80],  // an encoded surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xC3],  // truncated
        [0xE6, 0xBC, 0x41],  // a bad continuation byte
    ] as [[UInt8]])
    func refusesInvalidUTF8InStrings(sequence: [UInt8]) {
        let bytes = Array(#"{"key":"ab"#.utf8) + sequence + Array(#"cd"}"#.utf8)
        #expect(syntaxError(bytes) == "a string is not valid UTF-8 at column 11")
        #expect(syntaxError([0x22] + sequence + [0x22]) == "a string is not valid UTF-8 at column 2")
        #expect((try? JSONReader.objectMembers(bytes)) == nil)
    }

    @Test func nestingStopsAtTheMaximumDepth() throws {
        let deepest = JSONReader.maximumDepth
        _ = try JSONReader.validate(Array((String(repeating: "[", count: deepest) + String(repeating: "]", count: deepest)).utf8))
        let tooDeep = Array((String(repeating: "[", count: deepest + 1) + String(repeating: "]", count: deepest + 1)).utf8)
        #expect(syntaxError(tooDeep) == "JSON nested deeper than \(deepest) levels at column \(deepest + 1)")
    }

    @Test func objectMembersKeepKeysAndTheBytesOfValuesInOrder() throws {
        let line = Array(#" {"b":[1, {"x":"}"}] ,"a\u00e9":"v" , "b":null,"e":{}} "#.utf8)
        let members = try JSONReader.objectMembers(line)
        #expect(members.map(\.key) == ["b", "aé", "b", "e"])
        #expect(members.map { String(decoding: line[$0.value], as: UTF8.self) } == [#"[1, {"x":"}"}]"#, #""v""#, "null", "{}"])
        #expect(try JSONReader.objectMembers(Array("{ }".utf8)).isEmpty)
    }

    @Test(arguments: [
        ("[]", "expected a JSON object ('{') at column 1"),
        (#"{"a":1} {"#, "unexpected text after the JSON object at column 9"),
        (#"{"type" "T"}"#, #"expected ':' after "type" at column 9"#),
        (#"{"a":1;"#, "expected ',' or '}' at column 7"),
        (#"{"\uDC00":1}"#, "a string holds an unpaired surrogate at column 2"),
    ])
    func objectMembersSayWhatIsWrong(text: String, message: String) {
        do {
            _ = try JSONReader.objectMembers(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error is JSONReader.SyntaxError)
            #expect("\(error)" == message)
        }
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        func string(_ text: String) throws -> String { try JSONReader.string(Array(text.utf8)[...]) }
        #expect(try string(#""plain""#) == "plain")
        #expect(try string(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(try string(#""\u00e9\u6F22\uD83D\uDE42 é""#) == "é漢🙂 é")
        #expect(throws: JSONReader.SyntaxError.self) { try string(#""\uD83D""#) }  // a high half alone
        #expect(throws: JSONReader.SyntaxError.self) { try string(#""\uD83Dx\uDE42""#) }
        #expect(throws: JSONReader.SyntaxError.self) { try string(#""\uDE42""#) }  // a low half alone
        #expect(throws: JSONReader.SyntaxError.self) { try string(#""a" "#) }
        #expect(throws: JSONReader.SyntaxError.self) { try string("12") }
        #expect(throws: JSONReader.SyntaxError.self) { try string(#""a"#) }
        // A slice in the middle of a line, as the CLI reads a member's value.
        let line = Array(#"{"k":"v\n"}"#.utf8)
        #expect(try JSONReader.string(line[5..<10]) == "v\n")
    }

    /// Each kind of byte that ends a run of plain ASCII, at every offset
    /// around the eight-byte words the scan reads, against a byte loop.
    @Test func theWordAtATimeScanFindsEverySpecialByte() throws {
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x01], [0x1F], [0x7F], [0xC3, 0xA9], [0xF0, 0x9F, 0x99, 0x82]]
        for length in 0..<20 {
            for position in 0...length {
                for special in specials {
                    var content = Array(repeating: UInt8(ascii: "a"), count: length)
                    content.insert(contentsOf: special, at: position)
                    let bytes = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
                    let expectedEnd = 1 + (content.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 } ?? content.count)
                    let plain = bytes.withUnsafeBufferPointer { JSONReader.plainString($0, at: 0) }
                    let valid = (try? JSONReader.validate(bytes)) != nil
                    let decoded = try? JSONReader.string(bytes[...])
                    let text = String(decoding: content, as: UTF8.self)
                    switch special {
                    case [0x22]:  // the string ends at the quote; the rest is text after it
                        #expect(plain?.end == expectedEnd + 1 && plain?.isASCII == true)
                        #expect(!valid)
                    case [0x5C, 0x6E]:
                        #expect(plain == nil)
                        #expect(decoded == text.replacingOccurrences(of: "\\n", with: "\n"))
                    case [0x01], [0x1F]:
                        #expect(plain == nil && !valid && decoded == nil)
                    case [0x7F]:  // DEL is plain ASCII
                        #expect(plain?.content == 1..<(bytes.count - 1) && plain?.isASCII == true)
                        #expect(decoded == text)
                    default:
                        #expect(plain?.content == 1..<(bytes.count - 1) && plain?.isASCII == false)
                        #expect(decoded == text)
                    }
                }
            }
        }
    }
}
