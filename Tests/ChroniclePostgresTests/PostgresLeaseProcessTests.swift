import Chronicle
import ChroniclePostgres
import Foundation
import PostgresNIO
import ProcessTestSupport
import Testing

/// One owner at a time across app servers: two `ChronicleTestHelper follow`
/// processes, each with its own pool, run one exactly-once projection on one
/// PostgreSQL database; the owner is killed mid-batch and the other takes over.
@Suite("PostgreSQL projection leases across processes", .tags(.processes), .timeLimit(.minutes(3)))
struct PostgresLeaseProcessTests {
    static func batchPosition(_ line: String) -> Int64? {
        line.hasPrefix("batch ") ? Int64(line.dropFirst(6)) : nil
    }

    /// Every row of the read model: how often each event was applied, by whom.
    static func applications(_ database: PostgresTestDatabase) async throws -> [(position: Int64, count: Int, owner: String)] {
        var rows: [(position: Int64, count: Int, owner: String)] = []
        try await database.withConnection { connection, logger in
            for try await row in try await connection.query(
                "SELECT position, count, owner FROM applications ORDER BY position", logger: logger
            ).decode((Int64, Int32, String).self) {
                rows.append((row.0, Int(row.1), row.2))
            }
        }
        return rows
    }

    @Test func theWaitingProcessTakesOverAfterTheOwnerIsKilledAndEveryEventIsAppliedOnce() async throws {
        let database = try await PostgresTestDatabase.create()
        let count: Int64 = 600
        let seed = try ChildProcess.start(
            "ChronicleTestHelper", ["append", "--store", database.url, "--writer", "seed", "--count", "\(count)"])
        #expect(await seed.value.status == 0)
        // 1 ms of work per event, 50 ms per batch: a kill a few milliseconds after
        // the owner goes on from its pause lands in the middle of a batch.
        let options = ["--lease-ms", "1000", "--batch-size", "50", "--handler-delay-us", "1000"]

        let first = try RunningHelper(["follow", "--store", database.url, "--owner", "first", "--pause-after", "200"] + options)
        let firstLines = Lines(first)
        #expect(await firstLines.next { $0 == "paused" } != nil, "\(firstLines.seen) \(first.standardError)")

        let second = try RunningHelper(["follow", "--store", database.url, "--owner", "second"] + options)
        let secondLines = Lines(second)
        let waiting = await secondLines.next { $0.hasPrefix("state waiting") }
        #expect(waiting == "state waiting: runs in first", "\(secondLines.seen) \(second.standardError)")
        let before = try await Self.applications(database)
        #expect(before.count == 200 && before.allSatisfy { $0.owner == "first" }, "only the owner applied events")

        // The owner goes on, and dies mid-batch a few milliseconds later.
        try first.send("go")
        try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
        first.kill()
        _ = await first.wait()

        // The waiter takes over once the dead owner's lease expires, and finishes the log.
        let done = await secondLines.next { Self.batchPosition($0) == count }
        #expect(done != nil, "the second process reaches the head: \(secondLines.seen.suffix(5)) \(second.standardError)")
        second.signal(SIGTERM)
        #expect(await second.wait() == 0, "\(second.standardError)")

        // Each event applied exactly once: the owner a prefix, the second the rest.
        let rows = try await Self.applications(database)
        #expect(rows.count == Int(count), "no event skipped")
        #expect(rows.allSatisfy { $0.count == 1 }, "no event applied twice")
        let firstRows = rows.prefix { $0.owner == "first" }
        #expect(firstRows.count >= 200 && firstRows.count < Int(count))
        #expect(rows.dropFirst(firstRows.count).allSatisfy { $0.owner == "second" }, "the second applied the rest")
        try await database.drop()
    }
}
