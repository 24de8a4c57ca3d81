import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// A group that handles a few types of its topics, and partitions that only
/// pass over other partitions' messages: both get to lag 0 with no delivery
/// of what they skip, also when no append follows.
@Suite("Bus message types and skipped messages")
struct BusMessageTypesTests {
    let store = InMemoryEventStore()

    /// Publishes `count` messages of type `type` to `orders`, numbered from `first`, over `keys` streams.
    func publish(_ count: Int, from first: Int, type: String, keys: Int, on bus: EventBus) async throws {
        let messages = (first..<(first + count)).map { number in
            OutgoingMessage(
                NewEvent(type: type, data: Data("\(number)".utf8)), to: "orders", key: "k\(number % keys)")
        }
        try await bus.publish(messages)
    }

    @Test func aGroupWithMessageTypesGetsOnlyThoseAndCatchesUp() async throws {
        let bus = store.bus()
        try await publish(30, from: 0, type: "OrderPlaced", keys: 5, on: bus)
        try await publish(10, from: 100, type: "OrderConfirmed", keys: 5, on: bus)
        var group = try fastGroup("mailer", partitions: 3, member: "m")
        group.messageTypes = ["OrderConfirmed"]
        let log = MessageLog()
        let member = RunningMember(bus, group) { log.add($0) }
        try await log.wait("the confirmations arrive") { $0.count >= 10 }
        try await publish(20, from: 30, type: "OrderPlaced", keys: 5, on: bus)
        try await publish(5, from: 110, type: "OrderConfirmed", keys: 5, on: bus)
        try await log.wait("the later confirmations arrive") { $0.count >= 15 }
        // Nothing more is appended: the skipped messages still count as done.
        try await waitUntil("the group's lag is 0") { try await bus.status(group: "mailer")?.lag == 0 }
        try await member.stop()
        #expect(log.numbers.sorted() == Array(100..<115))
        #expect(log.all.allSatisfy { $0.type == "OrderConfirmed" })
        expectStreamOrder(log.all)
    }

    @Test func partitionsThatOnlySkipSaveTheirCheckpointsWithoutAnotherAppend() async throws {
        let bus = store.bus()
        let log = MessageLog()
        // Eight partitions, one stream: seven partitions only pass over its messages.
        let member = RunningMember(bus, try fastGroup("billing", partitions: 8, member: "b")) { log.add($0) }
        try await publish(12, from: 0, type: "Numbered", keys: 1, on: bus)
        try await log.wait("the stream's messages arrive") { $0.count >= 12 }
        // No append follows: the seven save the skips on their own, within a second or so.
        let head = try await store.headPosition()
        try await waitUntil("every partition's checkpoint passes the skipped messages") {
            let status = try await bus.status(group: "billing")
            return status?.partitions.count == 8 && status!.partitions.allSatisfy { $0.checkpoints["orders"] == head }
        }
        #expect(try await bus.status(group: "billing")?.lag == 0)
        try await member.stop()
    }
}
