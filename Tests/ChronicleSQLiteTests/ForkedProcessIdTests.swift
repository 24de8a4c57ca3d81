import Foundation
import ProcessTestSupport
import Testing

/// Random ids come from a pool of words read from the system in blocks; a
/// forked child must not hand out the words its parent will.
@Suite("Ids in a forked process")
struct ForkedProcessIdTests {
    @Test func aForkedChildDrawsOtherIdsThanItsParent() async throws {
        let output = try await HelperProcess.start(["fork-ids"]).value
        #expect(output.status == 0, "\(output)")
        let lines = output.standardOutput.split(separator: "\n")
        let child = lines.filter { $0.hasPrefix("child ") }.map { $0.dropFirst(6) }
        let parent = lines.filter { $0.hasPrefix("parent ") }.map { $0.dropFirst(7) }
        #expect(child.count == 4 && parent.count == 4, "\(output)")
        #expect(Set(child + parent).count == 8, "the child repeated its parent's ids: \(output)")
        #expect((child + parent).allSatisfy { UUID(uuidString: String($0)) != nil })
    }
}
