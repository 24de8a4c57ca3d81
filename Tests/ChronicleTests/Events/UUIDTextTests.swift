import Foundation
import Testing

@testable import Chronicle

/// Command ids are written without `uuidString`; the text must be the same.
@Suite("UUID text")
struct UUIDTextTests {
    @Test func theTextIsUUIDStringsForRandomAndEdgeIds() {
        let edges = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
            UUID(uuid: (0x09, 0x0A, 0x0F, 0x10, 0x90, 0xA0, 0xF0, 0x9A, 0xA9, 0x0B, 0xB0, 0xC1, 0x1C, 0xDE, 0xED, 0x5F)),
        ]
        let random = (0..<1_000).map { _ in UUID.chronicleRandom() } + (0..<1_000).map { _ in UUID() }
        for id in edges + random {
            #expect(id.chronicleString == id.uuidString)
        }
        #expect(UUID(uuidString: UUID.chronicleRandom().chronicleString) != nil)
    }
}
