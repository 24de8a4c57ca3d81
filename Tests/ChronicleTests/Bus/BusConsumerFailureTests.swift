import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// Failing handlers: retries with persisted attempts, dead letters, stopping, the circuit breaker.
@Suite("Bus consumer failures")
struct BusConsumerFailureTests {
    let store = InMemoryEventStore()
    let deadLetters = InMemoryDeadLetterStore()
    let attempts = InMemoryDeliveryAttemptStore()
    var bus: EventBus { store.bus(deadLetters: deadLetters, attempts: attempts) }

    @Test func aHandlerFailingThreeTimesIsRetriedThenSucceedsWithoutADeadLetter() async throws {
        let bus = bus
        let receipt = try await bus.publish(busMessage(1), to: "orders", key: "a")
        try await bus.publish(busMessage(2), to: "orders", key: "a")
        let log = MessageLog()
        let member = RunningMember(bus, try fastGroup("payments", member: "p")) { message in
            log.add(message)
            if number(of: message) == 1, message.attempt <= 3 { throw HandlerFailure(text: "try \(message.attempt)") }
        }
        try await log.wait("2 handled") { $0.contains { number(of: $0) == 2 } }
        try await member.stop()
        #expect(log.all.map(\.attempt) == [1, 2, 3, 4, 1])
        #expect(log.numbers == [1, 1, 1, 1, 2], "the stream waits for its failing message")
        #expect(try await deadLetters.count(consumer: nil) == 0)
        #expect(try await attempts.attempts(consumer: "payments", message: receipt.id) == nil, "cleared on success")
    }

    @Test func attemptsSurviveARestart() async throws {
        let bus = bus
        let receipt = try await bus.publish(busMessage(1), to: "orders", key: "a")
        var group = try fastGroup("payments", member: "p")
        group.failurePolicy = FailurePolicy(maxAttempts: 5, initialDelay: .seconds(30), maximumDelay: .seconds(30))
        let log = MessageLog()
        let member = RunningMember(bus, group) { message in
            log.add(message)
            throw HandlerFailure(text: "down")
        }
        try await waitUntil("a failure is recorded") {
            try await attempts.attempts(consumer: "payments", message: receipt.id)?.attempts == 1
        }
        try await member.stop()   // during the back-off
        #expect(log.all.map(\.attempt) == [1])

        group.failurePolicy = FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(1))
        let again = MessageLog()
        let restarted = RunningMember(bus, group) { message in
            again.add(message)
            if message.attempt < 3 { throw HandlerFailure(text: "down") }
        }
        try await again.wait("handled") { $0.contains { $0.attempt == 3 } }
        try await restarted.stop()
        #expect(again.all.map(\.attempt) == [2, 3], "the count goes on from the stored attempts")
        #expect(try await attempts.attempts(consumer: "payments", message: receipt.id) == nil)
    }

    @Test func aPermanentlyFailingMessageIsDeadLetteredAndOtherStreamsGoOn() async throws {
        let bus = bus
        let bad = try await bus.publish(busMessage(0), to: "orders", key: "bad")
        try await publish(20, from: 1, keys: 5, on: bus)
        try await bus.publish(busMessage(100), to: "orders", key: "bad")
        var group = try fastGroup("payments", member: "p")
        group.failurePolicy.maxAttempts = 3
        let log = MessageLog()
        let consumer = bus.consumer(group) { message in
            if message.id == bad.id { throw HandlerFailure(text: "poison") }
            log.add(message)
        }
        let running = Task { try await consumer.run() }
        try await log.wait("the rest handled") { $0.count >= 21 }
        running.cancel()
        try await running.value
        #expect(log.numbers.sorted() == Array(1...20) + [100])
        let letters = try await deadLetters.deadLetters(consumer: "payments", limit: 10)
        #expect(letters.count == 1)
        #expect(letters.first?.eventId == bad.id && letters.first?.attempts == 3 && letters.first?.error == "poison")
        #expect(try await attempts.attempts(consumer: "payments", message: bad.id) == nil)
        #expect(consumer.statistics.deadLettered == 1 && consumer.statistics.failed == 3)
        #expect(consumer.statistics.retried == 2)
    }

    @Test func theStopPolicyEndsConsumeWithATypedError() async throws {
        let bus = bus
        try await bus.publish(busMessage(1), to: "orders", key: "a")
        var group = try fastGroup("payments", member: "p")
        group.failurePolicy = FailurePolicy(
            maxAttempts: 2, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(1), onExhausted: .stop)
        let stopping = group
        await #expect(throws: BusError.self) {
            try await withDeadline(seconds: 60, "consume stops") {
                try await bus.consume(stopping) { _ in throw HandlerFailure(text: "fatal") }
            }
        }
        do {
            try await bus.consume(group) { _ in throw HandlerFailure(text: "fatal") }
            Issue.record("expected a stop")
        } catch BusError.stopped {
        }
        #expect(try await deadLetters.count(consumer: nil) == 0)
        #expect(try await store.leases.leases().isEmpty, "a stopped member releases its leases")
    }

    @Test func theCircuitBreakerOpensPausesHandlersAndClosesAfterASuccessfulProbe() async throws {
        let bus = bus
        try await publish(4, keys: 4, on: bus)
        var group = try fastGroup("payments", partitions: 1, member: "p")
        group.circuitBreaker = CircuitBreakerPolicy(failureThreshold: 2, window: .seconds(30), openDuration: .milliseconds(400))
        group.failurePolicy = FailurePolicy(maxAttempts: 10, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(1))
        let calls = Locked<[(start: ContinuousClock.Instant, end: ContinuousClock.Instant, attempt: Int)]>([])
        let consumer = bus.consumer(group) { message in
            let start = ContinuousClock.now
            let count = calls.withLock { $0.count }
            defer { calls.withLock { $0.append((start, .now, message.attempt)) } }
            if count < 2 { throw HandlerFailure(text: "gateway down") }
        }
        let running = Task { try await consumer.run() }
        // Counted, not sampled: a loaded machine may not look while it is open.
        try await waitUntil("the breaker opens") { consumer.statistics.circuitBreakerOpened == 1 }
        try await waitUntil("all delivered") { consumer.statistics.delivered == 4 }
        #expect(consumer.statistics.circuitBreaker == .closed, "the successful probe closed it")
        running.cancel()
        try await running.value
        let recorded = calls.withLock { $0 }
        #expect(recorded.count == 6)
        #expect(recorded[2].start - recorded[1].end >= .milliseconds(400), "no handler ran while open")
        #expect(recorded[2].attempt == 3, "the open time spent no attempt")
        #expect(consumer.statistics.circuitBreakerOpened == 1)
    }
}
