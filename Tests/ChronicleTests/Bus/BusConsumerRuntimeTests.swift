import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// The transactional (inbox) path and load levelling.
@Suite("Bus consumer runtime")
struct BusConsumerRuntimeTests {
    let store = InMemoryEventStore()

    @Test func anInboxHandlerSavesTheCheckpointItselfAndSkipsProcessedIds() async throws {
        let checkpoints = InMemoryCheckpointStore()
        let bus = store.bus(checkpoints: checkpoints)
        let receipts = try await publish(12, keys: 4, on: bus)
        let inbox = RecordingInbox(checkpoints: checkpoints, failOnce: receipts[3].id)
        var group = try fastGroup("ledger", partitions: 2, member: "l")
        group.runsScheduler = false
        let consumer = bus.consumer(group, inbox: inbox)
        let running = Task { try await consumer.run() }
        try await waitUntil("12 handled") { inbox.handled.count == 12 }
        running.cancel()
        try await running.value
        #expect(Set(inbox.handled) == Set(receipts.map(\.id)), "each once")
        #expect(inbox.calls.allSatisfy { call in
            call.checkpoint == BusNames.checkpoint(
                group: "ledger", topic: "orders", partition: MessagePartitioning.partition(of: call.stream, count: 2),
                of: 2)
        })
        #expect(inbox.calls.allSatisfy { $0.position == $0.messagePosition }, "the lane position is the message's")
        #expect(consumer.statistics.failed == 1 && consumer.statistics.retried == 1)
        // The inbox's saves are the checkpoints: at the last message of each partition.
        for partition in 0..<2 {
            let name = BusNames.checkpoint(group: "ledger", topic: "orders", partition: partition, of: 2)
            let last = receipts.filter { MessagePartitioning.partition(of: $0.stream, count: 2) == partition }.last
            if let last { #expect(try await checkpoints.checkpoint(named: name)?.position ?? .none >= last.position) }
        }
    }

    @Test func concurrencyRisesWithABacklogAndHandlersRunInParallel() async throws {
        let bus = store.bus()
        try await publish(3_000, keys: 40, on: bus)   // 30 s at one handler at a time: far longer than levelling takes
        var group = try fastGroup("resizer", partitions: 8, member: "r")
        group.concurrency = 1...4
        group.batchSize = 8
        let running = Locked(0)
        let most = Locked(0)
        let consumer = bus.consumer(group) { _ in
            let now = running.withLock { $0 += 1; return $0 }
            most.withLock { $0 = max($0, now) }
            try? await Task.sleep(for: .milliseconds(10))
            running.withLock { $0 -= 1 }
        }
        let task = Task { try await consumer.run() }
        try await waitUntil("the limit rises") { consumer.statistics.concurrencyLimit >= 2 }
        try await waitUntil("two handlers overlap") { most.withLock { $0 } >= 2 }
        task.cancel()
        try await task.value
        #expect(most.withLock { $0 } <= 4, "never above the group's bound")
    }
}

/// An in-memory stand-in for a store's transactional inbox: remembers processed
/// ids and saves the checkpoint with them (one lock plays the transaction).
final class RecordingInbox: TransactionalMessageHandler {
    struct Call: Sendable {
        let checkpoint: String
        let position: GlobalPosition
        let messagePosition: GlobalPosition
        let stream: StreamName
    }

    let checkpoints: InMemoryCheckpointStore
    let failOnce: UUID
    private let state = Locked<(processed: [UUID], calls: [Call], failed: Bool)>(([], [], false))

    init(checkpoints: InMemoryCheckpointStore, failOnce: UUID) {
        self.checkpoints = checkpoints
        self.failOnce = failOnce
    }

    var handled: [UUID] { state.withLock { $0.processed } }
    var calls: [Call] { state.withLock { $0.calls } }

    func handle(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async throws -> InboxOutcome {
        let outcome: InboxOutcome? = try state.withLock { state in
            state.calls.append(
                Call(checkpoint: checkpoint, position: position, messagePosition: message.record.position, stream: message.stream))
            if message.id == failOnce, !state.failed {
                state.failed = true
                throw HandlerFailure(text: "rolled back")
            }
            if state.processed.contains(message.id) { return .alreadyProcessed }
            state.processed.append(message.id)
            return nil
        }
        if (try await checkpoints.checkpoint(named: checkpoint)?.position ?? .none) < position {
            try await checkpoints.save(position, named: checkpoint)
        }
        return outcome ?? .handled
    }
}
