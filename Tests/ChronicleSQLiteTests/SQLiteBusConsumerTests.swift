import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

/// A consumer group on a real SQLite file: checkpoints, leases and dead letters
/// in the store's own tables.
@Suite("SQLite bus consumer")
struct SQLiteBusConsumerTests {
    @Test func aGroupConsumesEveryMessageOnceAndGoesOnFromItsCheckpointsAfterARestart() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("bus.sqlite"), options: .init(durability: .normal))
        let bus = EventBus(
            store: store, checkpoints: store.checkpoints, deadLetters: store.deadLetters, leases: store.leases,
            attempts: InMemoryDeliveryAttemptStore())
        // Four pages of 512: enough to cross pages; alone it takes a fraction of a second, in the full
        // parallel suite on 2 cores it has taken 28 s and more (a starved cooperative pool), hence the deadline.
        let total = 2_000
        for batch in stride(from: 0, to: total, by: 1_000) {
            try await bus.publish(
                (batch..<(batch + 1_000)).map {
                    OutgoingMessage(NewEvent(type: "N", data: Data("\($0)".utf8)), to: "orders", key: "k\($0 % 50)")
                })
        }
        var group = try ConsumerGroup("billing", topics: ["orders"], partitions: 4, member: "m1")
        group.runsScheduler = false
        group.batchSize = 512
        let seen = Locked<[Int: Int]>([:])
        let order = Locked<[StreamName: Int]>([:])
        let outOfOrder = Locked(0)
        let handler: @Sendable (ReceivedMessage) async throws -> Void = { message in
            let value = Int(String(decoding: message.data, as: UTF8.self))!
            seen.withLock { $0[value, default: 0] += 1 }
            order.withLock { last in
                if let previous = last[message.stream], previous >= value { outOfOrder.withLock { $0 += 1 } }
                last[message.stream] = value
            }
        }
        let started = ContinuousClock.now
        let firstGroup = group
        let first = Task { try await bus.consume(firstGroup, handler: handler) }
        try await withDeadline(seconds: 180, "all consumed") {
            while seen.withLock({ $0.count }) < total { try await Task.sleep(for: .milliseconds(5)) }
        }
        let elapsed = ContinuousClock.now - started
        first.cancel()
        try await first.value
        print("SQLite bus: \(total) messages in \(elapsed) (\(Int(Double(total) / elapsed.inSeconds)) messages/s, debug build)")
        #expect(seen.withLock { $0.values.allSatisfy { $0 == 1 } }, "each message once")
        #expect(outOfOrder.withLock { $0 } == 0)
        let checkpoints = try await store.checkpoints.checkpoints().filter { $0.name.hasPrefix("bus.billing#orders#") }
        #expect(checkpoints.count == 4)
        #expect(try await store.leases.leases().isEmpty)

        // Restarted (another member id): only new messages arrive.
        group.member = "m2"
        let secondGroup = group
        let second = Task { try await bus.consume(secondGroup, handler: handler) }
        try await bus.publish(NewEvent(type: "N", data: Data("\(total)".utf8)), to: "orders", key: "k1")
        try await withDeadline(seconds: 30, "the new message") {
            while seen.withLock({ $0[total] }) == nil { try await Task.sleep(for: .milliseconds(5)) }
        }
        second.cancel()
        try await second.value
        #expect(seen.withLock { $0.count == total + 1 && $0.values.allSatisfy { $0 == 1 } })
        let status = try #require(try await bus.status(group: "billing"))
        #expect(status.lag == 0 && status.partitionCount == 4 && status.deadLetters == 0)
    }
}

extension Duration {
    fileprivate var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
