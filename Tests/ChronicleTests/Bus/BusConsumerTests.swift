import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// Delivery within a group and across groups: once per group, per-stream order,
/// priorities, redelivery, at-most-once, expiry.
@Suite("Bus consumer")
struct BusConsumerTests {
    let store = InMemoryEventStore()

    @Test func everyGroupGetsEachMessageOnceInStreamOrder() async throws {
        let bus = store.bus()
        try await publish(40, keys: 7, on: bus)
        let first = MessageLog()
        let second = MessageLog()
        let one = RunningMember(bus, try fastGroup("billing", member: "b1")) { first.add($0) }
        let two = RunningMember(bus, try fastGroup("shipping", partitions: 3, member: "s1")) { second.add($0) }
        try await publish(20, from: 40, keys: 7, on: bus)
        try await first.wait("billing gets 60") { $0.count >= 60 }
        try await second.wait("shipping gets 60") { $0.count >= 60 }
        // Appends after catching up are delivered too, and nothing twice.
        try await publish(5, from: 60, on: bus)
        try await first.wait("billing gets 65") { $0.count >= 65 }
        try await second.wait("shipping gets 65") { $0.count >= 65 }
        try await one.stop()
        try await two.stop()
        #expect(first.numbers.sorted() == Array(0..<65))
        #expect(second.numbers.sorted() == Array(0..<65))
        expectStreamOrder(first.all)
        expectStreamOrder(second.all)
        #expect(first.all.allSatisfy { $0.group == "billing" && $0.attempt == 1 && !$0.isRedelivery })
        #expect(
            second.all.allSatisfy { $0.partition == MessagePartitioning.partition(of: $0.stream, count: 3) })
        // Stopping saved the checkpoints and released every lease.
        #expect(try await store.leases.leases().isEmpty)
        let again = MessageLog()
        let restarted = RunningMember(bus, try fastGroup("billing", member: "b2")) { again.add($0) }
        try await publish(1, from: 65, on: bus)
        try await again.wait("the restarted member gets the new message") { $0.count >= 1 }
        try await restarted.stop()
        #expect(again.numbers == [65], "a restart goes on from the saved checkpoints")
    }

    @Test func aHigherPriorityTopicIsDrainedFirst() async throws {
        let bus = store.bus()
        try await publish(10, keys: 3, to: "orders", on: bus)
        try await publish(5, from: 100, keys: 2, to: "urgent", on: bus)
        var group = try ConsumerGroup(
            "shipping", subscriptions: [.init("orders"), .init("urgent", priority: 5)], partitions: 1, member: "m")
        group.runsScheduler = false
        group.leaseDuration = .seconds(30)   // a lapsed lease would redeliver: not this test's subject
        let log = MessageLog()
        let member = RunningMember(bus, group) { message in
            log.add(message)
            if number(of: message) == 0 {
                // An urgent message published while the normal lane is being handled goes next.
                try await bus.publish(busMessage(200), to: "urgent", key: "x")
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try await log.wait("all 16") { $0.count >= 16 }
        try await member.stop()
        let numbers = log.numbers
        #expect(Array(numbers.prefix(5)).sorted() == Array(100..<105), "the urgent backlog goes first: \(numbers)")
        #expect(numbers[5] == 0 && numbers[6] == 200, "the new urgent message jumps the normal lane: \(numbers)")
        #expect(numbers.count == 16)
    }

    @Test func anExpiredMessageIsDeadLetteredAsExpiredNotDelivered() async throws {
        let deadLetters = InMemoryDeadLetterStore()
        let bus = store.bus(deadLetters: deadLetters)
        let past = MessageHeaders.text(Date().addingTimeInterval(-60))
        let future = MessageHeaders.text(Date().addingTimeInterval(3600))
        try await bus.publish(busMessage(1, headers: [MessageHeaders.expiresAt: past]), to: "orders", key: "a")
        try await bus.publish(busMessage(2, headers: [MessageHeaders.expiresAt: future]), to: "orders", key: "a")
        try await bus.publish(busMessage(3), to: "orders", key: "a")
        let log = MessageLog()
        let running = Task {
            try await bus.consume(try fastGroup("mailer", member: "m")) { log.add($0) }
        }
        try await log.wait("two delivered") { $0.count >= 2 }
        running.cancel()
        try await running.value
        #expect(log.numbers == [2, 3])
        let letters = try await deadLetters.deadLetters(consumer: "mailer", limit: 10)
        #expect(letters.count == 1)
        #expect(letters.first?.error == "expired")
        #expect(letters.first?.stream == (try StreamName("orders-a")))
    }

    @Test func expiredMessagesAreCountedInStatistics() async throws {
        let bus = store.bus()
        let past = MessageHeaders.text(Date().addingTimeInterval(-1))
        try await bus.publish(busMessage(1, headers: [MessageHeaders.expiresAt: past]), to: "orders", key: "a")
        try await bus.publish(busMessage(2), to: "orders", key: "a")
        let log = MessageLog()
        let consumer = bus.consumer(try fastGroup("mailer", member: "m")) { log.add($0) }
        let running = Task { try await consumer.run() }
        try await log.wait("one delivered") { $0.count >= 1 }
        running.cancel()
        try await running.value
        let stats = consumer.statistics
        #expect(stats.expired == 1 && stats.delivered == 1 && stats.deadLettered == 0)
        #expect(log.numbers == [2])
    }

    @Test func atMostOnceLosesAFailingMessageAndNeverRetries() async throws {
        let deadLetters = InMemoryDeadLetterStore()
        let attempts = InMemoryDeliveryAttemptStore()
        let bus = store.bus(deadLetters: deadLetters, attempts: attempts)
        try await publish(6, keys: 1, on: bus)
        var group = try fastGroup("metrics", partitions: 1, member: "m")
        group.guarantee = .atMostOnce
        let log = MessageLog()
        let consumer = bus.consumer(group) { message in
            log.add(message)
            if number(of: message) == 2 { throw HandlerFailure(text: "boom") }
        }
        let running = Task { try await consumer.run() }
        try await log.wait("all six tried") { $0.count >= 6 }
        running.cancel()
        try await running.value
        #expect(log.numbers == [0, 1, 2, 3, 4, 5], "2 is tried once, never again")
        #expect(try await deadLetters.count(consumer: nil) == 0)
        #expect(consumer.statistics.lost == 1 && consumer.statistics.failed == 1)
        let message = try #require(log.all.first { number(of: $0) == 2 })
        #expect(try await attempts.attempts(consumer: "metrics", message: message.id) == nil)
    }

    @Test func aRetriedDeadLetterReachesOnlyItsGroupAsTheOriginalMessage() async throws {
        let deadLetters = InMemoryDeadLetterStore()
        let bus = store.bus(deadLetters: deadLetters)
        let receipts = try await publish(3, keys: 3, on: bus)
        let poisoned = receipts[1]
        let fixed = Locked(false)
        var failing = try fastGroup("payments", member: "p")
        failing.failurePolicy.maxAttempts = 2
        let payments = MessageLog()
        let audit = MessageLog()
        let paymentsMember = RunningMember(bus, failing) { message in
            if message.id == poisoned.id, !fixed.withLock({ $0 }) { throw HandlerFailure(text: "no funds") }
            payments.add(message)
        }
        var auditGroup = try fastGroup("audit", topics: [.all], partitions: 1, member: "a")
        auditGroup.runsScheduler = false
        let auditMember = RunningMember(bus, auditGroup) { audit.add($0) }
        try await waitUntil("parked") { try await deadLetters.count(consumer: "payments") == 1 }
        let letter = try #require(try await deadLetters.deadLetters(consumer: "payments", limit: 1).first)
        #expect(letter.eventId == poisoned.id && letter.attempts == 2 && letter.error == "no funds")
        fixed.withLock { $0 = true }
        try await bus.retryDeadLetter(letter)
        try await payments.wait("redelivered") { $0.contains { $0.id == poisoned.id } }
        let redelivered = try #require(payments.all.first { $0.id == poisoned.id })
        #expect(redelivered.isRedelivery)
        #expect(redelivered.stream == poisoned.stream && redelivered.record.position == poisoned.position)
        #expect(redelivered.partition == MessagePartitioning.partition(of: poisoned.stream, count: 4))
        #expect(number(of: redelivered) == 1)
        // The other group saw the message once and never the redelivery record.
        try await publish(1, from: 99, on: bus)
        try await audit.wait("audit reaches the marker") { $0.contains { number(of: $0) == 99 } }
        try await paymentsMember.stop()
        try await auditMember.stop()
        #expect(audit.all.filter { $0.id == poisoned.id }.count == 1)
        #expect(audit.all.allSatisfy { !$0.stream.category.hasPrefix("$") && !$0.isRedelivery })
        #expect(payments.all.filter { $0.id == poisoned.id }.count == 1)
        #expect(try await deadLetters.count(consumer: nil) == 0)
    }
}
