import Chronicle
import Foundation
import Testing



/// The fast metadata path reuses a string whose bytes repeat (a command's
/// correlation and causation ids): it must never hand out the wrong one.
@Suite("Stored metadata fast path, repeated strings")
struct EventMetadataPlainJSONReuseTests {
    @Test func repeatedAndNearlyRepeatedIdsParseExactly() throws {
        let id = "6F1C2A9E-3B7D-4C11-9A0E-2D5B8F7C1E34"
        let other = "6F1C2A9E-3B7D-4C11-9A0E-2D5B8F7C1E35"
        let samples = [
            EventMetadata(correlationId: id, causationId: id),
            EventMetadata(correlationId: id, causationId: other),
            EventMetadata(correlationId: other, causationId: id, headers: [id: id]),
            EventMetadata(correlationId: id, causationId: id, headers: ["trace": other]),
            EventMetadata(correlationId: id + "x", causationId: id),
            EventMetadata(correlationId: "short", causationId: "short", headers: ["k": "short"]),
        ]
        for metadata in samples {
            let bytes = metadata.jsonData()
            #expect(EventMetadata(plainJSON: bytes) == metadata, "\(String(decoding: bytes, as: UTF8.self))")
            let viaPointer = try bytes.withUnsafeBytes { try EventMetadata(storedJSON: $0) }
            #expect(viaPointer == metadata)
        }
    }
}
