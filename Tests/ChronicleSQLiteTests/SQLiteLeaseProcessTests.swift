import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import ProcessTestSupport
import Testing

/// One owner at a time across OS processes: two `ChronicleTestHelper follow`
/// processes run one exactly-once projection on one store file.
@Suite("Projection leases across processes", .tags(.processes))
struct SQLiteLeaseProcessTests {
    /// A running helper's lines, read one by one.
    static func batchPosition(_ line: String) -> Int64? {
        line.hasPrefix("batch ") ? Int64(line.dropFirst(6)) : nil
    }

    /// Every row of the read model: event id, position, how often it was applied, by whom.
    static func applications(_ path: String) async throws -> [(id: String, position: Int64, count: Int, owner: String)] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, position, count, owner FROM applications ORDER BY position")
                .map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }

    @Test func theWaitingProcessTakesOverAfterTheOwnerIsKilledAndEveryEventIsAppliedOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let count: Int64 = 3_000
        let seed = try HelperProcess.start(["seed", "--store", path, "--events", "\(count)", "--streams", "10"])
        #expect(await seed.value.status == 0)
        // 1 ms of work per event, 50 ms per batch: a kill a few milliseconds after
        // the owner goes on from its pause lands in the middle of a batch.
        let options = ["--lease-ms", "1000", "--batch-size", "50", "--handler-delay-us", "1000"]

        // The owner pauses (holding its lease) after the batch ending at 500, so
        // the test, not the machine's speed, decides where it is when it dies.
        let first = try RunningHelper(["follow", "--store", path, "--owner", "first", "--pause-after", "500"] + options)
        let firstLines = Lines(first)
        #expect(await firstLines.next { $0 == "paused" } != nil, "\(firstLines.seen) \(first.standardError)")

        let second = try RunningHelper(["follow", "--store", path, "--owner", "second"] + options)
        let secondLines = Lines(second)
        let waiting = await secondLines.next { $0.hasPrefix("state waiting") }
        #expect(waiting == "state waiting: runs in first", "\(secondLines.seen) \(second.standardError)")
        let before = try await Self.applications(path)
        #expect(before.count == 500 && before.allSatisfy { $0.owner == "first" }, "only the owner applied events")

        // The owner goes on, and dies mid-batch a few milliseconds later.
        try first.send("go")
        try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
        first.kill()
        _ = await first.wait()
        #expect(firstLines.seen.contains("batch 500"))

        // The waiter takes over once the dead owner's lease expires, and finishes the log.
        let done = await secondLines.next { Self.batchPosition($0) == count }
        #expect(done != nil, "the second process reaches the head: \(secondLines.seen.suffix(5)) \(second.standardError)")
        second.signal(SIGTERM)
        #expect(await second.wait() == 0, "\(second.standardError)")
        #expect(await secondLines.next { $0 == "stopped" } == "stopped")

        // Each event applied exactly once, as in one uninterrupted run: the owner
        // applied a prefix of whole batches (its batch in flight rolled back), at
        // least up to its pause and short of the head; the second the rest, from
        // the batch after the owner's last commit.
        let rows = try await Self.applications(path)
        #expect(rows.map(\.position) == Array(1...count))
        #expect(rows.allSatisfy { $0.count == 1 }, "applied twice: \(rows.filter { $0.count != 1 }.prefix(5).map(\.position))")
        let byFirst = Int64(rows.prefix { $0.owner == "first" }.count)
        #expect(byFirst >= 500 && byFirst < count && byFirst % 50 == 0, "the owner died mid-run: \(byFirst)")
        #expect(rows.dropFirst(Int(byFirst)).allSatisfy { $0.owner == "second" })
        let secondsBatches = secondLines.seen.compactMap(Self.batchPosition)
        #expect(secondsBatches.first == byFirst + 50, "the second goes on after the owner's last commit: \(secondsBatches.prefix(3))")
        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.checkpoints.checkpoint(named: "application-count")?.position.rawValue == count)
        #expect(try await store.leases.holder(of: "application-count") == nil, "released on graceful shutdown")
        try store.close()
    }

    @Test func aGracefullyStoppedOwnerReleasesItsLeaseAndTheWaiterTakesOverAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let seed = try HelperProcess.start(["seed", "--store", path, "--events", "200", "--streams", "4"])
        #expect(await seed.value.status == 0)
        // A lease of 10 minutes: only a release lets the waiter in during this test.
        let options = ["--lease-ms", "600000", "--batch-size", "50"]
        let first = try RunningHelper(["follow", "--store", path, "--owner", "first"] + options)
        let firstLines = Lines(first)
        #expect(await firstLines.next { Self.batchPosition($0) == 200 } != nil, "\(first.standardError)")
        let second = try RunningHelper(["follow", "--store", path, "--owner", "second"] + options)
        let secondLines = Lines(second)
        #expect(await secondLines.next { $0.hasPrefix("state waiting") } == "state waiting: runs in first")

        first.signal(SIGTERM)
        #expect(await first.wait() == 0, "\(first.standardError)")
        #expect(await secondLines.next { $0 == "state running" || $0 == "state caught up" } != nil, "\(second.standardError)")
        let store = try await SQLiteEventStore(path: path)
        #expect(try await store.leases.holder(of: "application-count")?.owner == "second")
        try await store.append(
            [NewEvent(type: "Late", data: Data("{}".utf8))], to: try StreamName("late-1"), expecting: .noStream)
        #expect(await secondLines.next { Self.batchPosition($0) == 201 } != nil, "the new owner applies new events")
        second.signal(SIGTERM)
        #expect(await second.wait() == 0)
        let rows = try await Self.applications(path)
        #expect(rows.count == 201 && rows.allSatisfy { $0.count == 1 })
        #expect(rows.last?.owner == "second")
        try store.close()
    }
}
