import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

/// The README's taste of the API, compiled and run so that it never rots.
/// The body between the markers is the README's code block, line for line:
/// `theTestRunsTheREADMEsCode` reads README.md and compares them.
@Suite("README example")
struct ReadmeExampleTests {
    @Test func readmeTasteRuns() async throws {
        let directory = try TemporaryDirectory()
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }
        // The README opens "shop.sqlite" in the working directory; here it goes to
        // a temporary one without changing the process's (other tests run beside).
        func SQLiteEventStore(path: String) async throws -> ChronicleSQLite.SQLiteEventStore {
            try await ChronicleSQLite.SQLiteEventStore(path: directory.path(path))
        }

        // --- README begins ---
        let store = try await SQLiteEventStore(path: "shop.sqlite")
        let order = try StreamName("order-42")

        // Append with optimistic concurrency: .noStream creates the stream.
        let placed = NewEvent(
            type: "OrderPlaced", data: Data(#"{"customer":"ada","total":30}"#.utf8),
            metadata: EventMetadata(correlationId: "req-7"))
        let result = try await store.append([placed], to: order, expecting: .noStream)

        // The next write names the version it saw; a stale one fails and writes nothing.
        let paid = NewEvent(type: "OrderPaid", data: Data(#"{"amount":30}"#.utf8))
        try await store.append([paid], to: order, expecting: .exactly(result.version))
        do {
            let cancelled = NewEvent(type: "OrderCancelled", data: Data(#"{"reason":"late"}"#.utf8))
            try await store.append([cancelled], to: order, expecting: .exactly(result.version))
        } catch EventStoreError.wrongExpectedVersion {
            print("someone wrote first: reload and decide again")
        }

        // Read one stream, or the global log filtered by category and type.
        let history = try await store.readStream(order, from: 1, direction: .forward, limit: 100)
        for try await event in store.events(from: .start, filter: EventFilter(categories: ["order"])) {
            print(event.position, event.stream, event.version, event.type)
        }

        // Close when done: shop.sqlite is then one self-contained file, no -wal beside it.
        try store.close()
        // --- README ends ---

        #expect(!FileManager.default.fileExists(atPath: directory.path("shop.sqlite-wal")), "closing removed the -wal")

        #expect(history.map(\.type) == ["OrderPlaced", "OrderPaid"])
        #expect(printed == [
            "someone wrote first: reload and decide again",
            "1 order-42 1 OrderPlaced",
            "2 order-42 2 OrderPaid",
        ])
        #expect(FileManager.default.fileExists(atPath: directory.path("shop.sqlite")))
    }

    @Test func theTestRunsTheREADMEsCode() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let test = try String(contentsOf: here, encoding: .utf8)
        let block = try #require(
            Self.swiftBlocks(readme).first { $0.contains(#"SQLiteEventStore(path: "shop.sqlite")"#) },
            "README.md has no code block opening shop.sqlite")
        let begin = try #require(test.range(of: "// --- README begins ---\n"))
        let end = try #require(test.range(of: "// --- README ends ---"))
        let body = String(test[begin.upperBound..<end.lowerBound])
        // The block's imports are this file's.
        let code = Self.normalizedLines(block).filter { !$0.hasPrefix("import ") }
        #expect(Self.normalizedLines(body) == code, "README.md's example and this test differ")
    }

    static func swiftBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if let lines = current, trimmed == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    static func normalizedLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
