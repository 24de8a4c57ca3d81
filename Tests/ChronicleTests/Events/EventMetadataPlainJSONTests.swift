import Chronicle
import Foundation
import Testing



@Suite("Stored metadata fast path")
struct EventMetadataPlainJSONTests {
    /// What the general decoder makes of the bytes (nil when it refuses them).
    func decoded(_ json: String) -> EventMetadata? {
        try? EventMetadata(jsonData: Data(json.utf8))
    }

    @Test func parsesWhatTheWriterWrites() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019-_:/ éü漢字🙂\"\\\n\t")
        func randomString() -> String {
            String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        var fastPathHits = 0
        for _ in 0..<2_000 {
            let metadata = EventMetadata(
                correlationId: Bool.random(using: &rng) ? randomString() : nil,
                causationId: Bool.random(using: &rng) ? randomString() : nil,
                headers: Dictionary(
                    (0..<Int.random(in: 0...3, using: &rng)).map { _ in (randomString(), randomString()) },
                    uniquingKeysWith: { first, _ in first }))
            let bytes = metadata.jsonData()
            let fast = EventMetadata(plainJSON: bytes)
            if let fast {
                fastPathHits += 1
                #expect(fast == metadata, "\(String(decoding: bytes, as: UTF8.self))")
            }
            #expect(try EventMetadata(storedJSON: bytes) == metadata)
        }
        #expect(fastPathHits > 100, "strings without escapes take the fast path")
    }

    @Test(arguments: [
        #"{"correlationId":"c","causationId":"k","headers":{"tenant":"acme","user":"ada"}}"#,
        #"  { "correlationId" : "c" , "headers" : { } }  "#,
        "{\n\t\"causationId\": \"k\"\r\n}",
        #"{"correlationId":null,"headers":null}"#,
        #"{}"#,
        #"{"correlationId":"é漢字🙂"}"#,
    ])
    func agreesWithTheGeneralDecoder(json: String) throws {
        let fast = try #require(EventMetadata(plainJSON: Data(json.utf8)), "fast path applies to \(json)")
        #expect(fast == decoded(json))
    }

    @Test(arguments: [
        #"{"correlationId":"a\"b"}"#,  // escapes: general decoder
        #"{"correlationId":"a\u0041"}"#,
        #"{"other":"x","correlationId":"c"}"#,  // unknown key: general decoder ignores it
        #"{"correlationId":"a","correlationId":"b"}"#,  // duplicate key
        #"{"headers":{"a":"1","a":"2"}}"#,
        #"{"correlationId":5}"#,  // wrong types: general decoder refuses
        #"{"headers":{"a":1}}"#,
        #"{"headers":["a"]}"#,
        #"{"correlationId":"c""#,  // truncated
        #"{"correlationId":"c"} x"#,
        #"[]"#,
        "not json",
    ])
    func defersEverythingElseToTheGeneralDecoder(json: String) throws {
        #expect(EventMetadata(plainJSON: Data(json.utf8)) == nil)
        if let expected = decoded(json) {
            #expect(try EventMetadata(storedJSON: Data(json.utf8)) == expected)
        } else {
            #expect(throws: EventStoreError.self) { try EventMetadata(storedJSON: Data(json.utf8)) }
        }
    }

    @Test func defersInvalidUTF8AndControlCharacters() throws {
        var invalid = Data(#"{"correlationId":""#.utf8)
        invalid.append(contentsOf: [0xFF, 0xFE])
        invalid.append(contentsOf: Data(#""}"#.utf8))
        #expect(EventMetadata(plainJSON: invalid) == nil)
        #expect(EventMetadata(plainJSON: Data("{\"correlationId\":\"a\u{01}\"}".utf8)) == nil)
        #expect(EventMetadata(plainJSON: Data()) == .empty)
    }
}
