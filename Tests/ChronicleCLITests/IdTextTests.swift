import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// Event ids and the correlation and causation ids Chronicle makes read the
/// same way, in lower case, in text and in JSON.
@Suite("chronicle id text")
struct IdTextTests {
    @Test func generatedCorrelationAndCausationIdsPrintLikeEventIds() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let stream = try StreamName("order-1")
        let store = try await SQLiteEventStore(path: path)
        // A command without ids of its own (its id is the correlation and the cause),
        // then one caused by the first event (which names that event as its cause).
        let placed = NewEvent(type: "OrderPlaced", data: Data("{}".utf8), metadata: CommandContext().eventMetadata)
        try await store.append([placed], to: stream, expecting: .noStream)
        let first = try await store.readStream(stream, from: 1, direction: .forward, limit: 1)[0]
        let paid = NewEvent(
            type: "OrderPaid", data: Data("{}".utf8), metadata: CommandContext(causedBy: first).eventMetadata)
        try await store.append([paid], to: stream, expecting: .exactly(1))
        try store.close()

        let firstId = first.id.uuidString.lowercased()
        let commandId = try #require(first.metadata.correlationId)
        #expect(commandId == commandId.lowercased(), "a generated command id: \(commandId)")
        let second = try #require(
            try await Fixtures.readAll(path: path).last.map { $0.id.uuidString.lowercased() })

        let shown = try await ChronicleProcess.run(["streams", "show", "order-1", "--store", path])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.outputLines.contains("    id \(firstId)  schema 1  correlation \(commandId)  causation \(commandId)"))
        #expect(shown.outputLines.contains("    id \(second)  schema 1  correlation \(commandId)  causation \(firstId)"))

        let json = try await ChronicleProcess.run(["tail", "--json", "--store", path])
        #expect(json.status == 0, "\(json)")
        #expect(json.outputLines.count == 2, "\(json)")
        #expect(json.outputLines[1].contains(#""id":"\#(second)""#), "\(json)")
        #expect(
            json.outputLines[1].contains(#""metadata":{"causationId":"\#(firstId)","correlationId":"\#(commandId)"}"#),
            "\(json)")
    }

    /// `append` without `--id` gives the event the time-ordered id (UUID version 7)
    /// every `NewEvent` gets, as Docs/Concepts.md says, printed in lower case.
    @Test func appendWithoutAnIdMakesATimeOrderedOne() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        var ids: [String] = []
        for n in 0..<2 {
            let output = try await ChronicleProcess.run([
                "append", "order-\(n)", "--type", "T", "--data", "{}", "--json", "--store", path,
            ])
            #expect(output.status == 0, "\(output)")
            let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
            ids.append(try #require(object?["id"] as? String))
        }
        for id in ids {
            #expect(id == id.lowercased() && UUID(uuidString: id) != nil, "\(id)")
            #expect(Array(id)[14] == "7", "version 7: \(id)")
        }
        // The first 48 bits are the time in milliseconds: a later id does not sort before an earlier one.
        #expect(ids[0].prefix(13) <= ids[1].prefix(13), "\(ids)")
    }
}
