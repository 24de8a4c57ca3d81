import Chronicle
import ChronicleTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// A consumer as a swift-service-lifecycle service; breaker reopening.
@Suite("Bus consumer service")
struct BusConsumerServiceTests {
    let store = InMemoryEventStore()

    @Test func gracefulShutdownFinishesTheMessageInFlightSavesItAndLeaves() async throws {
        let checkpoints = InMemoryCheckpointStore()
        let stopping = MessageWatcher(waitingFor: "leaving consumer group")
        let bus = EventBus(
            store: store, checkpoints: checkpoints, deadLetters: InMemoryDeadLetterStore(), leases: store.leases,
            attempts: InMemoryDeliveryAttemptStore(), logger: Logger(label: "test") { _ in stopping })
        let first = try await bus.publish(busMessage(0), to: "orders", key: "a")
        try await bus.publish(busMessage(1), to: "orders", key: "a")
        let entered = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let log = MessageLog()
        let consumer = bus.consumer(try fastGroup("mailer", member: "m")) { message in
            if number(of: message) == 0 {
                entered.continuation.yield()
                for await _ in release.stream {}
            }
            log.add(message)
        }
        let services = ServiceGroup(services: [consumer], logger: .init(label: "test"))
        let running = Task { try await services.run() }
        var iterator = entered.stream.makeAsyncIterator()
        _ = await iterator.next()
        await services.triggerGracefulShutdown()
        await stopping.waitForMessage()
        release.continuation.finish()
        try await running.value
        #expect(log.numbers == [0], "the message in flight finished; the next one waits for the next run")
        let partition = MessagePartitioning.partition(of: first.stream, count: 4)
        let name = BusNames.checkpoint(group: "mailer", topic: "orders", partition: partition, of: 4)
        #expect(try await checkpoints.checkpoint(named: name)?.position == first.position)
        #expect(try await store.leases.leases().isEmpty)
        #expect(consumer.statistics.delivered == 1)
    }

    @Test func aFailedProbeOpensTheBreakerAgain() async throws {
        let bus = store.bus()
        try await bus.publish(busMessage(0), to: "orders", key: "a")
        var group = try fastGroup("payments", partitions: 1, member: "p")
        group.circuitBreaker = CircuitBreakerPolicy(failureThreshold: 1, window: .seconds(30), openDuration: .milliseconds(150))
        group.failurePolicy = FailurePolicy(maxAttempts: 10, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(1))
        let starts = Locked<[ContinuousClock.Instant]>([])
        let consumer = bus.consumer(group) { _ in
            let count = starts.withLock { $0.append(.now); return $0.count }
            if count <= 2 { throw HandlerFailure(text: "down") }
        }
        let running = Task { try await consumer.run() }
        try await waitUntil("delivered") { consumer.statistics.delivered == 1 }
        running.cancel()
        try await running.value
        let calls = starts.withLock { $0 }
        #expect(calls.count == 3)
        #expect(calls[1] - calls[0] >= .milliseconds(150) && calls[2] - calls[1] >= .milliseconds(150))
        #expect(consumer.statistics.circuitBreakerOpened == 2, "opened by the failure, again by the failed probe")
        #expect(consumer.statistics.circuitBreaker == .closed)
    }
}
