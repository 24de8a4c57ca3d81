import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

@Suite("SQLite store shared by several OS processes")
struct SQLiteMultiProcessTests {
    @Test func twoProcessesAppendingToOneFileLoseNothing() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        // Create the file first so that both writers open an existing store.
        try await SQLiteEventStore(path: path).close()
        let count = 300
        let writers = try ["a", "b"].map { name in
            try HelperProcess.start(["append", "--store", path, "--writer", name, "--count", "\(count)"])
        }
        var acknowledged: [(stream: String, version: Int64, position: Int64, id: String)] = []
        for writer in writers {
            let output = await writer.value
            #expect(output.status == 0, "writer failed: \(output.standardError)")
            #expect(!output.standardError.contains("locked"), "a writer saw a lock error: \(output.standardError)")
            for line in output.standardOutput.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 5, fields[0] == "ack" else { continue }
                acknowledged.append((String(fields[1]), Int64(fields[2])!, Int64(fields[3])!, String(fields[4])))
            }
        }
        #expect(acknowledged.count == 2 * count)

        let store = try await SQLiteEventStore(path: path)
        var log: [EventRecord] = []
        for try await record in store.events() { log.append(record) }
        #expect(log.map(\.position.rawValue) == Array(1...Int64(2 * count)), "positions without holes")
        let byId = Dictionary(uniqueKeysWithValues: log.map { ($0.id.uuidString, $0) })
        for ack in acknowledged {
            let record = try #require(byId[ack.id], "acknowledged event \(ack.id) is missing")
            #expect(record.stream.description == ack.stream)
            #expect(record.version == ack.version)
            #expect(record.position.rawValue == ack.position)
        }
        #expect(try await store.streamVersion(StreamName("shared-log")) == Int64(count))
        #expect(try await store.streamVersion(StreamName("writer-a")) == Int64(count / 2))
        #expect(try await store.streamVersion(StreamName("writer-b")) == Int64(count / 2))
        let shared = try await store.readStream(StreamName("shared-log"), from: 1, direction: .forward, limit: 1000)
        #expect(shared.map(\.version) == Array(1...Int64(count)), "the shared stream has no holes")
        try store.close()
    }
}
