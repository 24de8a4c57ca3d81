import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

/// The README's taste of the API, compiled and run so that it never rots.
/// Keep the body identical to the README's code block.
@Suite("README example")
struct ReadmeExampleTests {
    @Test func readmeTasteRuns() async throws {
        let directory = try TemporaryDirectory()
        #expect(FileManager.default.changeCurrentDirectoryPath(directory.url.path))
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }

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

        #expect(!FileManager.default.fileExists(atPath: "shop.sqlite-wal"))

        #expect(history.map(\.type) == ["OrderPlaced", "OrderPaid"])
        #expect(printed == [
            "someone wrote first: reload and decide again",
            "1 order-42 1 OrderPlaced",
            "2 order-42 2 OrderPaid",
        ])
    }
}
