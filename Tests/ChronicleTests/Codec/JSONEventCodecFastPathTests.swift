import Foundation
import Testing

@testable import Chronicle

/// The fast JSON paths of `JSONEventCodec` against Foundation's coders: the same
/// bytes out, the same values in, and Foundation's decision wherever they differ.
@Suite("JSON codec fast path")
struct JSONEventCodecFastPathTests {
    static let foundationEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    struct Line: Codable, Hashable {
        var sku: String
        var qty: Int
    }

    struct Placed: Codable, Hashable {
        var customer: String
        var lines: [Line]
        var note: String?
        var express: Bool
        var tags: [String: Int]
        var code: Code
        var rank: Int8
        var big: UInt64
        var small: Int64

        enum Code: String, Codable, Hashable { case a, bee = "B-ee" }
    }

    struct Nested: Codable, Hashable {
        var inner: Placed?
        var list: [[Int]]
        var maybe: [String?]
        var empty: Empty
    }

    struct Empty: Codable, Hashable {}

    /// A struct whose keys sort differently from their declaration order, with every case of ASCII.
    struct Keys: Codable, Hashable {
        var zebra = 1
        var Zebra = 2
        var _under = 3
        var a10 = 4
        var a9 = 5
        var a = 6
        var A = 7
        var é = 8
        var ñandú = 9
    }

    struct WithFallbacks: Codable, Hashable {
        var when: Date
        var bytes: Data
        var link: URL
        var price: Double
        var ratio: Float
        var amount: Decimal
    }

    struct Measures: Codable, Hashable {
        var price: Double
        var ratio: Float
        var count: Int
    }

    enum Shape: Codable, Hashable {
        case circle(radius: Int)
        case square(Int)
    }

    struct Strings: Codable, Hashable {
        var text: String
    }

    static let placed = Placed(
        customer: "ada \"the\" countess \\ of/lovelace – ✓ 😀", lines: [Line(sku: "sku-01", qty: 2), Line(sku: "sku-02", qty: 1)],
        note: nil, express: true, tags: ["b": 2, "a": 1, "B": 3, "a1": 4, "_": 5, "10": 6, "9": 7], code: .bee,
        rank: -128, big: .max, small: .min)

    /// Checks both directions against Foundation for one value.
    func check<T: Codable & Hashable>(_ value: T, fastEncodes: Bool, fastDecodes: Bool) throws {
        let foundation = try Self.foundationEncoder.encode(value)
        let fast = try? JSONPayloadEncoder.encode(value, userInfo: [:])
        if fastEncodes {
            #expect(fast == foundation, "\(T.self): \(String(decoding: fast ?? Data(), as: UTF8.self)) vs \(String(decoding: foundation, as: UTF8.self))")
        } else {
            #expect(fast == nil, "\(T.self) is left to Foundation")
        }
        let decodedFast = try? JSONPayloadDecoder.decode(T.self, from: foundation, userInfo: [:])
        if fastDecodes {
            #expect(decodedFast == value, "\(T.self) decodes fast")
        } else {
            #expect(decodedFast == nil, "\(T.self) decoding is left to Foundation")
        }
        let codec = JSONEventCodec()
        #expect(try codec.encode(value) == foundation)
        #expect(try codec.decode(T.self, from: foundation) == value)
    }

    @Test func structsArraysOptionalsDictionariesAndEnumsMatchFoundation() throws {
        try check(Self.placed, fastEncodes: true, fastDecodes: true)
        var withNote = Self.placed
        withNote.note = "rush"
        withNote.tags = [:]
        withNote.lines = []
        try check(withNote, fastEncodes: true, fastDecodes: true)
        try check(
            Nested(inner: Self.placed, list: [[], [1, -2, 3]], maybe: ["x", nil, ""], empty: Empty()),
            fastEncodes: true, fastDecodes: true)
        try check(Nested(inner: nil, list: [], maybe: [], empty: Empty()), fastEncodes: true, fastDecodes: true)
        try check(Keys(), fastEncodes: true, fastDecodes: true)
        try check([Self.placed, withNote], fastEncodes: true, fastDecodes: true)
        try check("a top-level string", fastEncodes: true, fastDecodes: true)
        try check(42, fastEncodes: true, fastDecodes: true)
        try check(["k": ["nested": true]], fastEncodes: true, fastDecodes: true)
        let manyKeys = Dictionary(uniqueKeysWithValues: (0..<200).map { ("key-\($0 * 7919 % 1000)", $0) })
        try check(manyKeys, fastEncodes: true, fastDecodes: true)
        // Objects in objects: each lookup in an outer object comes after those of an inner one.
        try check(["b": Self.placed, "a": withNote], fastEncodes: true, fastDecodes: true)
        try check(["x": ["q": 1, "p": 2], "w": [:], "v": ["z": 3]], fastEncodes: true, fastDecodes: true)
    }

    /// A replay keeps one fast decoder for a page: what it gives for each
    /// payload, after any mix of types and failures, is what a fresh one gives.
    @Test func oneDecoderForARunOfPayloadsDecodesEachAsAFreshOne() throws {
        let codec = JSONEventCodec()
        let run = try #require(codec.runDecoder())
        let placed = try codec.encode(Self.placed)
        var other = Self.placed
        other.note = "rush"
        other.tags = ["only": 1]
        let nested = try codec.encode(Nested(inner: other, list: [[1], []], maybe: [nil, "x"], empty: Empty()))
        let payloads: [(Data, any Decodable.Type)] = [
            (placed, Placed.self),
            (placed.prefix(placed.count - 3), Placed.self),  // cut short: fails
            (nested, Nested.self),
            (Data(#"{"qty":1,"qty":2,"sku":"a"}"#.utf8), Line.self),  // a duplicate key: left to Foundation
            (try codec.encode(other), Placed.self),
            (Data(#"{"qty":"1","sku":"a"}"#.utf8), Line.self),  // a type mismatch deep in a container
            (nested, Nested.self),
            (placed, Placed.self),
        ]
        func decodeFresh<T: Decodable>(_ type: T.Type, _ data: Data) -> String {
            (try? JSONPayloadDecoder.decode(T.self, from: data, userInfo: [:])).map { "\($0)" } ?? "fails"
        }
        func decodeWithRun<T: Decodable>(_ type: T.Type, _ data: Data) -> String {
            (try? run.decode(T.self, from: data)).map { "\($0)" } ?? "fails"
        }
        var outcomes: [String] = []
        for (data, type) in payloads {
            let fresh = decodeFresh(type, data)
            #expect(decodeWithRun(type, data) == fresh)
            outcomes.append(fresh == "fails" ? "fails" : "decodes")
        }
        #expect(outcomes == ["decodes", "fails", "decodes", "fails", "decodes", "fails", "decodes", "decodes"])
    }

    @Test func specialTypesAndNestedContainersAreLeftToFoundation() throws {
        let special = WithFallbacks(
            when: Date(timeIntervalSince1970: 1_700_000_000.25), bytes: Data([1, 2, 3]),
            link: URL(string: "https://example.com/a?b=c")!, price: 12.5, ratio: 0.1, amount: Decimal(string: "12.34")!)
        try check(special, fastEncodes: false, fastDecodes: false)
        // Synthesized enums with payloads use nested containers.
        try check(Shape.circle(radius: 3), fastEncodes: false, fastDecodes: true)
        try check([0.1, 1, 1e300, -0.0, 1.5e-7, 1e16, 1e15, 2.5e21, .greatestFiniteMagnitude], fastEncodes: true, fastDecodes: true)
        try check(Measures(price: 12.5, ratio: 0.1, count: 3), fastEncodes: true, fastDecodes: false)
        #expect(throws: EncodingError.self) { try JSONEventCodec().encode([Double.infinity]) }
        // Control characters are escaped by Foundation's own rules.
        try check(Strings(text: "tab\there\nnew \u{1} line"), fastEncodes: false, fastDecodes: true)
    }

    /// Inputs where a decoder has a choice to make: Foundation's answer is the answer.
    @Test(arguments: [
        #"{"qty":1,"sku":"a"}"#, #"{"qty":1.0,"sku":"a"}"#, #"{"qty":1e2,"sku":"a"}"#, #"{"qty":-0,"sku":"a"}"#,
        #"{"qty":9223372036854775808,"sku":"a"}"#, #"{"qty":-9223372036854775808,"sku":"a"}"#,
        #"{"qty":"1","sku":"a"}"#, #"{"qty":null,"sku":"a"}"#, #"{"sku":"a"}"#, #"{"qty":1,"sku":"a","extra":[1,{"x":null}]}"#,
        #"{"qty":1,"qty":2,"sku":"a"}"#, #"{"qty":1,"sku":"a\u00e9\ud83d\ude00\n\"\\\/"}"#, #"{"qty":1,"sku":"\ud800"}"#,
        #"{"qty":1,"sku":"\uDE00x"}"#, #"{"qty":1,"s\u006bu":"a"}"#, " \n{ \"qty\" : 1 , \"sku\" : \"a\" } \t",
        #"{"qty":1,"sku":"a"} x"#, #"{"qty":1,"sku":"a",}"#, #"{"qty":01,"sku":"a"}"#, #"{"qty":1,"sku":'a'}"#,
        #"[{"qty":1,"sku":"a"}]"#, "", "null", #"{"qty":1,"sku":"a"#, #"{"qty":+1,"sku":"a"}"#,
        "{\"qty\":1,\"sku\":\"tab\tin\"}",
    ])
    func decodingAgreesWithFoundation(_ text: String) throws {
        try agree(Line.self, Data(text.utf8))
    }

    @Test func decodingInvalidUTF8AgreesWithFoundation() throws {
        try agree(Line.self, Data(#"{"qty":1,"sku":""#.utf8) + [0xC3, 0x28] + Data(#""}"#.utf8))
        try agree(Line.self, Data(#"{"qty":1,"sku":""#.utf8) + [0xED, 0xA0, 0x80] + Data(#""}"#.utf8))
        try agree(Line.self, Data(#"{"qty":1,"sku":""#.utf8) + [0xC3, 0xA9] + Data(#""}"#.utf8))
    }

    @Test func integerWidthsAgreeWithFoundation() throws {
        struct Widths: Codable, Hashable {
            var i8: Int8
            var u8: UInt8
            var i16: Int16
            var u32: UInt32
        }
        for text in [
            #"{"i8":-128,"u8":255,"i16":-32768,"u32":4294967295}"#, #"{"i8":128,"u8":255,"i16":0,"u32":0}"#,
            #"{"i8":0,"u8":-1,"i16":0,"u32":0}"#, #"{"i8":0,"u8":256,"i16":0,"u32":0}"#,
            #"{"i8":0,"u8":0,"i16":0,"u32":4294967296}"#,
        ] {
            try agree(Widths.self, Data(text.utf8))
        }
    }

    func agree<T: Decodable & Equatable>(_ type: T.Type, _ data: Data) throws {
        let foundation = try? JSONDecoder().decode(T.self, from: data)
        let codec = try? JSONEventCodec().decode(T.self, from: data)
        #expect(codec == foundation, "\(String(decoding: data, as: UTF8.self))")
        if let fast = try? JSONPayloadDecoder.decode(T.self, from: data, userInfo: [:]) {
            #expect(fast == foundation, "the fast path decoded what Foundation did not: \(String(decoding: data, as: UTF8.self))")
        }
        // Errors come from Foundation.
        if foundation == nil {
            #expect(throws: DecodingError.self) { try JSONEventCodec().decode(T.self, from: data) }
        }
    }

    @Test func customCodersAreUsedAsGiven() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let codec = JSONEventCodec(encoder: encoder, decoder: decoder)
        struct Camel: Codable, Equatable { var firstName: String }
        let data = try codec.encode(Camel(firstName: "ada"))
        #expect(String(decoding: data, as: UTF8.self) == "{\n  \"first_name\" : \"ada\"\n}")
        #expect(try codec.decode(Camel.self, from: data) == Camel(firstName: "ada"))
    }

    @Test func userInfoReachesTheValues() throws {
        struct Reader: Codable, Equatable {
            var seen: String
            init(seen: String) { self.seen = seen }
            init(from decoder: any Decoder) throws {
                seen = decoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] as? String ?? "none"
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] as? String ?? "none")
            }
        }
        let decoder = JSONDecoder()
        decoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] = "acme"
        let codec = JSONEventCodec(decoder: decoder)
        #expect(try codec.decode(Reader.self, from: Data("\"x\"".utf8)) == Reader(seen: "acme"))
        #expect(try JSONPayloadDecoder.decode(Reader.self, from: Data("\"x\"".utf8), userInfo: decoder.userInfo) == Reader(seen: "acme"))
    }

    @Test func plainMetadataBytesAreWhatJSONEncoderWrites() throws {
        let samples = [
            EventMetadata(correlationId: "6F1C2A9E-3B7D-4C11-9A0E-2D5B8F7C1E34", causationId: "cmd-1"),
            EventMetadata(correlationId: "c/1 with spaces", headers: ["tenant": "acme"]),
            EventMetadata(causationId: "only"),
            EventMetadata(headers: ["user": "ada"]),
            EventMetadata(correlationId: "é", headers: ["a": "b", "c": "d"]),
            EventMetadata(correlationId: "quote \" and \\"),
            EventMetadata(correlationId: "tab\t"),
        ]
        for metadata in samples {
            let foundation = try Self.foundationEncoder.encode(metadata)
            #expect(metadata.jsonData() == foundation, "\(String(decoding: foundation, as: UTF8.self))")
            if let plain = metadata.plainJSONData() { #expect(plain == foundation) }
        }
        #expect(samples[0].plainJSONData() != nil && samples[1].plainJSONData() != nil, "the fast path applies to plain ids")
    }
}
