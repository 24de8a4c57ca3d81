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
    final class Lines {
        var iterator: AsyncStream<String>.Iterator
        private(set) var seen: [String] = []

        init(_ helper: RunningHelper) { iterator = helper.lines.makeAsyncIterator() }

        /// Reads lines until one satisfies `matches`; returns it (`nil` when the output ends first).
        func next(where matches: (String) -> Bool) async -> String? {
            while let line = await iterator.next() {
                seen.append(line)
                if matches(line) { return line }
            }
            return nil
        }
    }

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
        // 1 ms of work per event: the owner needs about 3 s for the log, so it is killed mid-run.
        let options = ["--lease-ms", "1000", "--batch-size", "50", "--handler-delay-us", "1000"]

        let first = try RunningHelper(["follow", "--store", path, "--owner", "first"] + options)
        let firstLines = Lines(first)
        let firstBatch = await firstLines.next { Self.batchPosition($0) != nil }
        #expect(firstBatch != nil, "the first process applies a batch: \(first.standardError)")

        let second = try RunningHelper(["follow", "--store", path, "--owner", "second"] + options)
        let secondLines = Lines(second)
        let waiting = await secondLines.next { $0.hasPrefix("state waiting") }
        #expect(waiting == "state waiting: runs in first", "\(secondLines.seen) \(second.standardError)")

        // Let the owner commit a few more batches while the other waits, then kill it mid-batch.
        var lastByFirst: Int64 = 0
        for _ in 0..<5 {
            guard let line = await firstLines.next(where: { Self.batchPosition($0) != nil }) else { break }
            lastByFirst = Self.batchPosition(line)!
        }
        #expect(lastByFirst > 0 && lastByFirst < count, "the owner is mid-run: \(lastByFirst)")
        let before = try await Self.applications(path)
        #expect(before.allSatisfy { $0.owner == "first" }, "only the owner applied events while it ran")
        try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
        first.kill()
        _ = await first.wait()

        // The waiter takes over once the dead owner's lease expires, and finishes the log.
        let tookOver = await secondLines.next { $0 == "state running" || Self.batchPosition($0) != nil }
        #expect(tookOver != nil, "\(secondLines.seen) \(second.standardError)")
        let done = await secondLines.next { Self.batchPosition($0) == count }
        #expect(done != nil, "the second process reaches the head: \(secondLines.seen.suffix(5)) \(second.standardError)")
        #expect(!secondLines.seen.contains { $0.hasPrefix("batch") && Self.batchPosition($0)! <= lastByFirst })
        second.signal(SIGTERM)
        #expect(await second.wait() == 0, "\(second.standardError)")
        #expect(await secondLines.next { $0 == "stopped" } == "stopped")

        // Each event applied exactly once, as in one uninterrupted run; both owners took part.
        let rows = try await Self.applications(path)
        #expect(rows.map(\.position) == Array(1...count))
        #expect(rows.allSatisfy { $0.count == 1 }, "applied twice: \(rows.filter { $0.count != 1 }.prefix(5).map(\.position))")
        #expect(rows.contains { $0.owner == "first" } && rows.contains { $0.owner == "second" })
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
