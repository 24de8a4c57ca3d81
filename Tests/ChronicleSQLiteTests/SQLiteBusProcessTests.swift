import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import ProcessTestSupport
import Testing

/// The bus on a real SQLite file where processes matter: an inbox consumer
/// killed between its handler's write and the commit, and a group that was
/// offline while a large backlog was published.
@Suite("SQLite bus across processes", .tags(.processes))
struct SQLiteBusProcessTests {
    /// `count` messages over `keys` keys of topic `orders`, published in one append.
    static func publish(_ count: Int, keys: Int, on store: SQLiteEventStore, from start: Int = 0) async throws
        -> [PublishReceipt]
    {
        try await store.bus().publish(
            (start..<(start + count)).map { index in
                OutgoingMessage(NewEvent(type: "OrderPlaced", data: Data("\(index)".utf8)), to: "orders", key: "k\(index % keys)")
            })
    }

    /// Every row of the inbox helper's effects table, in commit order.
    static func effects(_ path: String) async throws -> [(id: String, stream: String, version: Int64, pid: Int32)] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try await queue.read { db in
            guard try db.tableExists("bus_effects") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT message_id, stream, version, pid FROM bus_effects ORDER BY seq")
                .map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }

    @Test func anInboxConsumerKilledBetweenItsWriteAndTheCommitLeavesEachEffectOnceAfterARestart() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        let receipts = try await Self.publish(200, keys: 20, on: store)
        let killAt = 37

        // The first consumer writes its effect for the 37th message, then dies before that commit.
        let first = try RunningHelper(["bus-inbox", "--store", path, "--group", "stock", "--kill-at", "\(killAt)"])
        let firstLines = Lines(first)
        #expect(await firstLines.next { $0 == "joined" } != nil, "\(first.standardError)")
        let dying = await firstLines.next { line in
            line.hasPrefix("handling ") && firstLines.seen.filter { $0.hasPrefix("handling ") }.count == killAt
        }
        let killedId = try #require(dying.map { String($0.dropFirst("handling ".count)) }, "\(firstLines.seen) \(first.standardError)")
        #expect(await first.wait() == SIGKILL)
        #expect(first.process.terminationReason == .uncaughtSignal)
        let afterCrash = try await Self.effects(path)
        #expect(afterCrash.count == killAt - 1, "the killed transaction left nothing: \(afterCrash.count)")
        #expect(!afterCrash.contains { $0.id == killedId })

        // A restarted consumer takes over once the dead member's leases expire and finishes the topic.
        let second = try RunningHelper(["bus-inbox", "--store", path, "--group", "stock"])
        let watchdog = second.killing(after: .seconds(60))
        defer { watchdog.cancel() }
        try await withDeadline(seconds: 60, "every message applied") {
            while try await Self.effects(path).count < receipts.count { try await Task.sleep(for: .milliseconds(20)) }
        }
        second.kill()
        _ = await second.wait()

        let rows = try await Self.effects(path)
        let published = receipts.map { $0.id.uuidString.lowercased() }
        #expect(rows.count == published.count, "no message applied twice: \(rows.count)")
        #expect(Set(rows.map(\.id)) == Set(published), "every message applied")
        #expect(rows.filter { $0.id == killedId }.count == 1)
        #expect(rows.filter { $0.pid == first.process.processIdentifier }.count == killAt - 1)
        let byStream = Dictionary(grouping: rows, by: \.stream)
        #expect(byStream.values.allSatisfy { $0.map(\.version) == Array(1...Int64($0.count)) }, "applied in stream order")
    }

    @Test func aGroupOfflineWhileTenThousandMessagesArePublishedCatchesUpInStreamOrder() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("store.sqlite"), options: .init(durability: .normal))
        defer { try? store.close() }
        let bus = store.bus()
        var group = try ConsumerGroup("archive", topics: ["orders"], partitions: 8, member: "m1")
        group.runsScheduler = false
        group.batchSize = 512
        group.leaseDuration = .seconds(30)   // no hand-over wanted here, however loaded the machine
        let seen = Locked<[StreamName: [Int64]]>([:])
        let count = Locked(0)
        let handler: @Sendable (ReceivedMessage) async throws -> Void = { message in
            seen.withLock { $0[message.stream, default: []].append(message.record.version) }
            count.withLock { $0 += 1 }
        }
        func consume(until total: Int) async throws {
            let consumer = Task { [group] in try await bus.consume(group, handler: handler) }
            try await withDeadline(seconds: 60, "\(total) messages consumed") {
                while count.withLock({ $0 }) < total { try await Task.sleep(for: .milliseconds(5)) }
            }
            consumer.cancel()
            try await consumer.value
        }

        // The group exists (it consumed the first messages), then goes offline.
        _ = try await Self.publish(40, keys: 40, on: store)
        try await consume(until: 40)
        for start in stride(from: 40, to: 10_040, by: 2_000) {
            _ = try await Self.publish(2_000, keys: 40, on: store, from: start)
        }
        #expect(try await bus.status(group: "archive")?.lag == 10_000)

        let started = ContinuousClock.now
        group.member = "m2"
        try await consume(until: 10_040)
        print("bus catch-up: 10,000 messages in \(ContinuousClock.now - started) (SQLite, debug build)")
        #expect(count.withLock { $0 } == 10_040, "nothing delivered twice")
        let streams = seen.withLock { $0 }
        #expect(streams.count == 40)
        #expect(streams.values.allSatisfy { $0 == Array(1...Int64($0.count)) }, "in order per stream")
        #expect(streams.values.reduce(0) { $0 + $1.count } == 10_040)
        #expect(try await bus.status(group: "archive")?.lag == 0)
    }
}
