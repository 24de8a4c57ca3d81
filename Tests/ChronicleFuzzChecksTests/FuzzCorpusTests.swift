import ChronicleFuzzChecks
import Foundation
import Testing

/// Replays every input under `Fuzz/Corpus/<target>/` — the seeds and every
/// input a fuzz run ever crashed on — through the fuzz checks: each must parse
/// into a value that survives its round trip, or be refused with the parser's
/// typed error. A crash here fails the suite as it failed the fuzzer.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    @Test(arguments: FuzzTarget.allCases)
    func everyInputGivesAValueOrATypedError(_ target: FuzzTarget) throws {
        let directory = Self.corpus.appendingPathComponent(target.rawValue)
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(files.count >= 8, "the corpus of \(target.rawValue) is seeded")
        var accepted = 0
        for file in files {
            do {
                if try target.check(Array(Data(contentsOf: file))) == .accepted { accepted += 1 }
            } catch {
                Issue.record("\(target.rawValue)/\(file.lastPathComponent): \(error)")
            }
        }
        #expect(accepted > 0 && accepted < files.count, "the corpus holds both valid and invalid inputs")
    }

    @Test func theChecksTellGoodInputFromBad() throws {
        #expect(try FuzzTarget.streamName.check(Array("order-42".utf8)) == .accepted)
        guard case .rejected(let message) = try FuzzTarget.streamName.check(Array("order".utf8)) else {
            Issue.record("a name without '-' was accepted")
            return
        }
        #expect(message.contains("no '-'"))
        #expect(try FuzzTarget.storeLocation.check(Array("sqlite:a.sqlite".utf8)) == .accepted)
        #expect(try FuzzTarget.eventDecoding.check([3, 1] + Array("{}".utf8)) != .accepted)
    }
}
