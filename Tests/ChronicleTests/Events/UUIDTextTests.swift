import Foundation
import Testing

@testable import Chronicle

/// Command ids are written without `uuidString`; the text must be the same,
/// in lower case as event ids are printed (the CLI, the export).
@Suite("UUID text")
struct UUIDTextTests {
    @Test func theTextIsLowerCaseUUIDStringsForRandomAndEdgeIds() {
        let edges = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
            UUID(uuid: (0x09, 0x0A, 0x0F, 0x10, 0x90, 0xA0, 0xF0, 0x9A, 0xA9, 0x0B, 0xB0, 0xC1, 0x1C, 0xDE, 0xED, 0x5F)),
        ]
        let random = (0..<1_000).map { _ in UUID.chronicleRandom() } + (0..<1_000).map { _ in UUID() }
        for id in edges + random {
            #expect(id.chronicleString == id.uuidString.lowercased())
        }
        #expect(UUID(uuidString: UUID.chronicleRandom().chronicleString) != nil)
        #expect(edges[2].chronicleString == "090a0f10-90a0-f09a-a90b-b0c11cdeed5f")
    }

    /// A command's own id becomes the correlation and causation ids of its events
    /// when the context names none; they read like event ids.
    @Test func generatedCommandIdsAreLowerCase() throws {
        let metadata = CommandContext().eventMetadata
        let id = try #require(metadata.correlationId)
        #expect(id == id.lowercased() && UUID(uuidString: id) != nil, "\(id)")
        #expect(metadata.causationId == id)
    }
}
