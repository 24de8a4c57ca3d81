import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import UnixSignals
import Testing

// The code of Docs/Bus.md, compiled and run on a real SQLite file. Every ```swift
// block of the guide appears here line for line (ignoring indentation and blank
// lines); `everySwiftBlockOfTheGuideIsCompiled` checks that they match. Keep the two in step.

// --- guide: aggregate ---
struct ShopOrderPlaced: DomainEvent {
    static let eventType = "OrderPlaced"
    var totalCents: Int
}

struct ShopOrder: Aggregate {
    static let category = "order"
    static let handlers = EventHandlers<ShopOrder>()
        .on(ShopOrderPlaced.self) { order, event in order.totalCents = event.totalCents }

    let id: String
    var totalCents = 0

    init(id: String) { self.id = id }

    func place(totalCents: Int) throws -> [any DomainEvent] { [ShopOrderPlaced(totalCents: totalCents)] }
}
// --- end ---

/// What a guide handler received, with a wait that follows the deliveries (no sleeps).
final class GuideDeliveries: Sendable {
    private let received = Locked<[(message: ReceivedMessage, at: Date)]>([])
    private let signal = AsyncStream<Void>.makeStream()

    func add(_ message: ReceivedMessage) {
        received.withLock { $0.append((message, Date())) }
        signal.continuation.yield()
    }

    var all: [ReceivedMessage] { received.withLock { $0.map(\.message) } }
    /// When each message arrived.
    var times: [Date] { received.withLock { $0.map(\.at) } }

    /// Waits until `condition` holds for what was received; fails after 20 s.
    func wait(_ what: String, until condition: @escaping @Sendable ([ReceivedMessage]) -> Bool) async throws {
        try await withDeadline(seconds: 60, what) {
            if condition(self.all) { return }
            for await _ in self.signal.stream where condition(self.all) { return }
        }
    }
}

private struct GatewayDown: Error {}

/// Polls storage state a handler does not report (dead letters, rows written by an inbox); fails after 20 s.
private func guideEventually(_ what: String, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
    try await withDeadline(seconds: 60, what) {
        while try await !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }
}

@Suite("Bus guide")
struct BusGuideTests {
    @Test func guideRuns() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        let logger = Logger(label: "guide")

        // --- guide: publish ---
        let store = try await SQLiteEventStore(path: path)
        let bus = store.bus()
        let placed = NewEvent(
            type: "OrderPlaced", data: Data(#"{"totalCents":3000}"#.utf8),
            metadata: EventMetadata(correlationId: "req-7", headers: ["tenant": "acme"]))
        let receipt = try await bus.publish(placed, to: "orders", key: "42")
        print(receipt.stream, receipt.position)   // orders-42 1

        let lines = [
            NewEvent(type: "InvoiceLineAdded", data: Data(#"{"sku":"tea","cents":1200}"#.utf8)),
            NewEvent(type: "InvoiceClosed", data: Data("{}".utf8)),
        ]
        try await bus.publish(lines.map { OutgoingMessage($0, to: "invoices", key: "9") })   // one atomic append
        // --- end ---
        let orders42 = try StreamName("orders-42")
        #expect(receipt.id == placed.id && receipt.stream == orders42 && receipt.position == 1)
        let stored = try await store.readStream(StreamName("orders-42"), from: 1, direction: .forward, limit: 10)
        #expect(stored.map(\.id) == [placed.id])
        #expect(stored.first?.metadata.headers["tenant"] == "acme")
        let invoiceLines = try await store.readStream(StreamName("invoices-9"), from: 1, direction: .forward, limit: 10)
        #expect(invoiceLines.map(\.type) == ["InvoiceLineAdded", "InvoiceClosed"])
        #expect(invoiceLines.map(\.position.rawValue) == [2, 3], "one append: consecutive positions")

        // --- guide: topic names ---
        let requested = "orders-urgent"   // a name from input
        do {
            _ = try Topic(requested)
        } catch let error as EventStoreError where error.code == .invalidArgument {
            print(error.message)   // topic 'orders-urgent' contains '-': ... (try 'orders_urgent')
        }
        let urgent: Topic = "orders_urgent"   // a literal: checked when it runs, a bad one stops the program
        // --- end ---
        #expect(urgent.name == "orders_urgent")
        #expect(throws: EventStoreError.self) { try Topic(requested) }
        await #expect(throws: EventStoreError.self) {
            try await bus.publish(NewEvent(type: "X", data: Data()), to: .all)
        }

        // --- guide: outbox ---
        let orders = try AggregateRepository<ShopOrder>(store: store)
        let created = try await orders.create("43") { order in
            try order.place(totalCents: 4_500)
        } publishing: { events, order in
            events.map { event in
                OutgoingMessage(
                    NewEvent(type: event.type, data: event.data, metadata: event.metadata), to: "orders", key: order.id)
            }
        }
        print(created.version, created.published.map(\.stream))   // 1 [orders-43]
        // --- end ---
        #expect(created.version == 1)
        let outboxPosition = try #require(created.appendResult?.positions?.upperBound)
        #expect(created.published.map(\.position) == [outboxPosition.next], "the message commits with the event")
        let orders43 = try StreamName("orders-43")
        #expect(created.published.map(\.stream) == [orders43])

        // The payment gateway: refuses order 13 until it is fixed.
        let charged = GuideDeliveries()
        let gatewayFixed = Locked(false)
        let charge: @Sendable (ReceivedMessage) async throws -> Void = { message in
            charged.add(message)
            if message.stream.id == "13", !gatewayFixed.withLock({ $0 }) { throw GatewayDown() }
        }

        // --- guide: consume ---
        var payments = try ConsumerGroup("payments", topics: ["orders"])
        payments.failurePolicy = FailurePolicy(maxAttempts: 3, initialDelay: .milliseconds(20), maximumDelay: .seconds(5))
        payments.circuitBreaker = CircuitBreakerPolicy(failureThreshold: 10, window: .seconds(30), openDuration: .seconds(5))
        let paying = Task { [payments] in
            try await bus.consume(payments) { message in
                print(message.type, message.stream, "attempt \(message.attempt)", message.correlationId ?? "-")
                try await charge(message)
            }
        }
        // --- end ---
        try await charged.wait("orders 42 and 43 charged") { Set($0.map(\.stream.id)) == ["42", "43"] }
        #expect(Set(charged.all.map(\.id)) == [placed.id, created.published[0].id] && charged.all.count == 2)
        let first = try #require(charged.all.first { $0.stream == orders42 })
        #expect(first.correlationId == "req-7" && first.attempt == 1 && first.headers["tenant"] == "acme")
        #expect(charged.all.allSatisfy { $0.group == "payments" && !$0.isRedelivery })

        // --- guide: priorities ---
        let shipping = try ConsumerGroup(
            "shipping", subscriptions: [.init("orders_urgent", priority: 1), .init("orders")], partitions: 4,
            member: "shipping-1")
        // --- end ---
        #expect(shipping.subscriptions.map(\.priority) == [1, 0] && shipping.member == "shipping-1")

        // --- guide: message types ---
        var confirmations = try ConsumerGroup("confirmation_mailer", topics: ["orders"])
        confirmations.messageTypes = ["OrderConfirmed", "OrderCancelled"]   // the rest of `orders` is passed over
        // --- end ---
        #expect(confirmations.messageTypes == ["OrderConfirmed", "OrderCancelled"])

        // --- guide: at-most-once ---
        var pageViews = try ConsumerGroup("page_view_counter", topics: ["page_views"])
        pageViews.guarantee = .atMostOnce
        // --- end ---
        // At-most-once: the checkpoint is already past the message when its handler runs,
        // and a failing handler loses the message instead of retrying it.
        pageViews.runsScheduler = false
        let viewed = GuideDeliveries()
        let seenCheckpoint = Locked<GlobalPosition?>(nil)
        let view = try await bus.publish(NewEvent(type: "PageViewed", data: Data()), to: "page_views", key: "home")
        let counting = Task { [pageViews] in
            try await bus.consume(pageViews) { message in
                let name = BusNames.checkpoint(
                    group: message.group, topic: "page_views", partition: message.partition, of: 8)
                let saved = try await store.checkpoints.checkpoint(named: name)?.position
                seenCheckpoint.withLock { $0 = saved }
                viewed.add(message)
                throw GatewayDown()
            }
        }
        try await viewed.wait("the page view handled") { !$0.isEmpty }
        #expect(seenCheckpoint.withLock { $0 } == view.position, "saved before the handler ran")

        // --- guide: inbox ---
        let inventory = try ConsumerGroup("inventory", topics: ["orders"])
        let reservations = store.inbox(prepare: { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS reservations (order_id TEXT PRIMARY KEY NOT NULL)")
        }) { message, db in
            try db.execute(sql: "INSERT INTO reservations (order_id) VALUES (?)", arguments: [message.stream.id])
        }
        let reserving = Task { try await bus.consume(inventory, inbox: reservations) }
        // --- end ---

        // Order 13: the gateway refuses it three times, so it becomes a dead letter of payments.
        let thirteen = try await bus.publish(
            NewEvent(type: "OrderPlaced", data: Data(#"{"totalCents":1300}"#.utf8)), to: "orders", key: "13")
        try await charged.wait("order 13 tried three times") { $0.filter { $0.stream.id == "13" }.count == 3 }
        #expect(charged.all.filter { $0.stream.id == "13" }.map(\.attempt) == [1, 2, 3])
        try await guideEventually("order 13 parked") { try await store.deadLetters.count(consumer: "payments") == 1 }
        try await guideEventually("inventory reserved every order once") {
            try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reservations") } == 3
        }
        let inboxEntries = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM chronicle_bus_inbox WHERE consumer = 'inventory'")
        }
        #expect(inboxEntries == 3)

        // --- guide: status ---
        if let status = try await bus.status(group: "payments") {
            print(status.members.map(\.id), status.partitionCount, status.lag, status.lagSeconds, status.deadLetters)
            for partition in status.partitions where partition.owner != nil {
                print(partition.partition, partition.owner ?? "-", partition.checkpoints, partition.lag)
            }
            for problem in status.violations(of: BusThresholds(maxLag: 1_000, maxLagSeconds: 60, maxDeadLetters: 0)) {
                print(problem)   // consumer group 'payments': 1 dead letters exceed 0
            }
        }
        // --- end ---
        let status = try #require(try await bus.status(group: "payments"))
        #expect(status.members.map(\.id) == [payments.member])
        #expect(status.partitionCount == 8 && status.partitions.allSatisfy { $0.owner == payments.member })
        #expect(status.deadLetters == 1)
        #expect(
            status.violations(of: BusThresholds(maxLag: 1_000, maxLagSeconds: 60, maxDeadLetters: 0))
                == ["consumer group 'payments': 1 dead letters exceed 0"])

        gatewayFixed.withLock { $0 = true }   // the gateway is back: deliver order 13 again
        // --- guide: dead letters ---
        for letter in try await bus.deadLetters.deadLetters(consumer: "payments", limit: 100) {
            print(letter.stream, letter.type, letter.error, letter.attempts)   // orders-13 OrderPlaced GatewayDown() 3
            try await bus.retryDeadLetter(letter)   // to the payments group only
        }
        // --- end ---
        let parked = try await store.deadLetters.count(consumer: "payments")
        #expect(parked == 0, "the retried dead letter is gone")
        try await charged.wait("order 13 redelivered") { $0.contains { $0.isRedelivery } }
        let redelivered = try #require(charged.all.first { $0.isRedelivery })
        #expect(redelivered.id == thirteen.id && redelivered.stream == thirteen.stream)
        #expect(redelivered.record.position == thirteen.position, "the original message, not the redelivery record")

        let beforeDelayed = Date()
        // --- guide: delayed ---
        let reminder = NewEvent(type: "PaymentDue", data: Data(#"{"order":"42"}"#.utf8))
        try await bus.publish(reminder, to: "reminders", key: "42", after: .milliseconds(300), timeToLive: .seconds(600))
        let sale = NewEvent(type: "SaleStarts", data: Data(#"{"sku":"tea"}"#.utf8))
        try await bus.publish(sale, to: "offers", deliverAt: Date().addingTimeInterval(3_600))
        for message in try await bus.scheduledMessages(limit: 20) {
            print(message.deliverAt, message.type, message.stream)   // ... PaymentDue reminders-42, ... SaleStarts offers-...
        }
        // --- end ---
        let dunning = GuideDeliveries()
        var reminders = try ConsumerGroup("dunning", topics: ["reminders"])
        reminders.runsScheduler = false   // the other members in this process run it
        let reminding = Task { [reminders] in try await bus.consume(reminders) { dunning.add($0) } }
        try await dunning.wait("the reminder, when due") { !$0.isEmpty }
        let due = try #require(dunning.all.first)
        let reminders42 = try StreamName("reminders-42")
        #expect(due.id == reminder.id && due.stream == reminders42)
        let deliverAt = try #require(MessageHeaders.date(MessageHeaders.deliverAt, in: due.record.metadata))
        #expect(deliverAt.timeIntervalSince(beforeDelayed) >= 0.299, "300 ms on, to the millisecond")
        #expect(dunning.times[0].timeIntervalSince(deliverAt) >= -0.001, "not delivered before it is due")
        let expiresAt = try #require(due.expiresAt)
        #expect(abs(expiresAt.timeIntervalSince(deliverAt) - 600) < 0.01, "time to live counts from delivery")
        #expect(try await bus.scheduledMessages(limit: 20).map(\.type) == ["SaleStarts"])

        // --- guide: request ---
        let stock = try ConsumerGroup("stock", topics: ["stock_queries"])
        let answering = Task {
            try await bus.consume(stock) { message in
                try await bus.reply(to: message, with: NewEvent(type: "StockLevel", data: Data(#"{"tea":12}"#.utf8)))
            }
        }
        let answer = try await bus.request(
            NewEvent(type: "CheckStock", data: Data(#"{"sku":"tea"}"#.utf8)), to: "stock_queries", timeout: .seconds(5))
        print(answer.type, String(decoding: answer.data, as: UTF8.self))   // StockLevel {"tea":12}
        // --- end ---
        #expect(answer.type == "StockLevel" && answer.stream.category == "$reply")
        await #expect(throws: BusError.self) {
            try await bus.request(NewEvent(type: "Nobody", data: Data()), to: "silence", timeout: .milliseconds(50))
        }

        // The billing service: a member as a Service in a ServiceGroup.
        let invoiced = GuideDeliveries()
        let invoice: @Sendable (ReceivedMessage) async throws -> Void = { invoiced.add($0) }
        // --- guide: service ---
        let billing = bus.consumer(try ConsumerGroup("billing", topics: ["orders"])) { message in
            try await invoice(message)
        }
        let services = ServiceGroup(services: [billing], gracefulShutdownSignals: [.sigterm], logger: logger)
        // --- end ---
        let running = Task { try await services.run() }
        try await invoiced.wait("billing got the three orders") { $0.count == 3 }
        #expect(try await bus.status(group: "billing")?.members.map(\.id) == [billing.group.member])
        await services.triggerGracefulShutdown()
        try await running.value
        #expect(billing.statistics.ownedPartitions.isEmpty)
        #expect(billing.statistics.delivered == 3, "counted once each handler returned")
        #expect(invoiced.all.count == 3 && invoiced.all.allSatisfy { !$0.isRedelivery }, "payments' redelivery is its own")
        #expect(try await bus.status(group: "billing")?.lag == 0, "checkpoints saved on the way out")
        #expect(try await bus.status(group: "billing")?.members.isEmpty == true, "left the group")

        for task in [paying, counting, reserving, reminding, answering] { task.cancel() }
        for task in [paying, counting, reserving, reminding, answering] { try await task.value }
        #expect(try await store.leases.leases().filter { $0.name.hasPrefix(BusNames.prefix) }.isEmpty)
        #expect(viewed.all.count == 1, "the failed at-most-once message was never retried")
        try store.close()
    }

    /// Each ```swift block of the guide must appear in this file line for line
    /// (ignoring indentation and blank lines), so the guide never shows code that does not compile.
    @Test func everySwiftBlockOfTheGuideIsCompiled() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guide = try String(contentsOf: root.appendingPathComponent("Docs/Bus.md"), encoding: .utf8)
        let source = Self.normalizedLines(try String(contentsOf: here, encoding: .utf8))
        var blocks: [[String]] = []
        var current: [String]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(Self.normalizedLines(current!.joined(separator: "\n")))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        #expect(blocks.count >= 10)
        #expect(!guide.contains("GUIDE:"), "a placeholder is left in the guide")
        for block in blocks {
            var found = false
            for start in source.indices where start + block.count <= source.count {
                let window: [String] = Array(source[start..<(start + block.count)])
                if window == block {
                    found = true
                    break
                }
            }
            #expect(found, "this block of Docs/Bus.md is not in BusGuideTests.swift:\n\(block.joined(separator: "\n"))")
        }
    }

    static func normalizedLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
