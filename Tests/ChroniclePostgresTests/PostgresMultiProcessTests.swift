import Chronicle
import ChroniclePostgres
import Foundation
import ProcessTestSupport
import Testing

/// Several app servers on one database, simulated by OS processes with pools
/// of their own.
@Suite("PostgreSQL store shared by several OS processes", .tags(.processes), .timeLimit(.minutes(3)))
struct PostgresMultiProcessTests {
    /// 8 writer processes append while a subscriber in a ninth follows the
    /// head: it receives every acknowledged event exactly once, in the
    /// store's order, and the positions have no holes.
    @Test func eightWritersAndAFollowingSubscriberLoseAndRepeatNothing() async throws {
        let database = try await PostgresTestDatabase.create()
        // The tables exist before the processes start, so none of them creates them.
        try await database.openStore().close()
        let writers = 8
        let count = 150
        let subscriber = try ChildProcess.start(
            "ChronicleTestHelper", ["pg-subscribe", "--store", database.url, "--count", "\(writers * count)"])
        let writerTasks = try (1...writers).map { index in
            try ChildProcess.start(
                "ChronicleTestHelper",
                ["append", "--store", database.url, "--writer", "w\(index)", "--count", "\(count)"])
        }
        var acknowledged: [String: Int64] = [:]
        for writer in writerTasks {
            let output = await writer.value
            #expect(output.status == 0, "a writer failed: \(output.standardError)")
            for line in output.outputLines {
                let fields = line.split(separator: " ")
                guard fields.count == 5, fields[0] == "ack" else { continue }
                acknowledged[String(fields[4])] = Int64(fields[3])!
            }
        }
        #expect(acknowledged.count == writers * count)
        let output = await subscriber.value
        #expect(output.status == 0, "the subscriber failed: \(output.standardError)")
        let delivered = output.outputLines.compactMap { line -> (position: Int64, id: String)? in
            let fields = line.split(separator: " ")
            guard fields.count == 4, fields[0] == "event" else { return nil }
            return (Int64(fields[1])!, String(fields[2]))
        }
        #expect(delivered.count == writers * count, "every event once")
        #expect(Set(delivered.map(\.id)).count == delivered.count, "no event twice")
        #expect(delivered.map(\.position) == Array(1...Int64(writers * count)), "in the store's order, no holes")
        for event in delivered {
            #expect(acknowledged[event.id] == event.position, "delivered at the position its writer was told")
        }
        let store = try await database.openStore()
        #expect(try await store.streamVersion(StreamName("shared-log")) == Int64(writers * count / 2))
        store.close()
        try await database.drop()
    }
}
