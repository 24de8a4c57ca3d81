import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

private struct Paid: DomainEvent {
    static let eventType = "Paid"
    var amount: Int
}

private struct Invoice: Aggregate, Codable {
    static let category = "invoice"
    static let handlers = EventHandlers<Invoice>()
        .on(Paid.self) { invoice, event in invoice.paid += event.amount }

    let id: String
    var paid = 0

    init(id: String) { self.id = id }
}

/// Delayed messages, request-reply and the outbox on real SQLite files: the
/// scheduler's checkpoint and lease live in the file, and a second connection
/// stands for a second process.
@Suite("Bus scheduling, request-reply and outbox, SQLite")
struct SQLiteBusSchedulingTests {
    private func bus(_ store: SQLiteEventStore) -> EventBus {
        EventBus(
            store: store, checkpoints: store.checkpoints, deadLetters: store.deadLetters, leases: store.leases,
            attempts: InMemoryDeliveryAttemptStore())
    }

    /// Long enough that a loaded machine does not lose it; hand-overs here are releases.
    private func lease(_ owner: String) -> LeaseSettings { LeaseSettings(owner: owner, duration: .seconds(15)) }

    /// The log's events outside the bus's `$` streams.
    private func topicEvents(_ store: some EventStore) async throws -> [EventRecord] {
        try await store.readAll(from: .start, limit: 10_000).filter { Topic.all.contains($0.stream) }
    }

    /// Follows the store's appends until `condition` holds; fails after 30 s.
    @discardableResult
    private func awaitTopicEvents(
        _ store: SQLiteEventStore, until condition: @escaping @Sendable ([EventRecord]) -> Bool
    ) async throws -> [EventRecord] {
        try await withThrowingTaskGroup(of: [EventRecord].self) { group in
            group.addTask {
                while true {
                    let complete = try await store.completePosition()
                    let events = try await store.readAll(from: .start, limit: 10_000)
                        .filter { Topic.all.contains($0.stream) }
                    if condition(events) { return events }
                    try await store.waitForAppends(after: complete)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw EventStoreError.invalidArgument("timed out waiting for topic events")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    @Test func pendingMessagesSurviveReopeningTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        var store = try await SQLiteEventStore(path: path)
        var bus = bus(store)
        let now = try await bus.publish(NewEvent(type: "Now", data: Data()), to: "mail", key: "n")
        let later = try await bus.publish(NewEvent(type: "Later", data: Data()), to: "mail", key: "l", after: .seconds(60))
        let soon = try await bus.publish(NewEvent(type: "Soon", data: Data()), to: "mail", key: "s", after: .milliseconds(50))
        let scheduler = Task { [bus] in try await bus.runScheduler(leaseSettings: lease("one")) }
        try await awaitTopicEvents(store) { $0.contains { $0.id == soon.id } }
        // The checkpoint passes the published entry, stopping below the one still pending.
        let deadline = ContinuousClock.now + .seconds(30)
        while try await store.checkpoints.checkpoint(named: "bus.$scheduler")?.position != now.position {
            #expect(ContinuousClock.now < deadline, "the scheduler saves its checkpoint")
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        scheduler.cancel()
        try await scheduler.value
        // Due while no scheduler runs.
        let meanwhile = try await bus.publish(
            NewEvent(type: "Meanwhile", data: Data()), to: "mail", key: "m", after: .milliseconds(100))
        try store.close()

        try await Task.sleep(for: .milliseconds(150))
        store = try await SQLiteEventStore(path: path)
        bus = self.bus(store)
        #expect(try await store.checkpoints.checkpoint(named: "bus.$scheduler")?.position.rawValue
            == later.position.rawValue - 1, "the checkpoint stays below the oldest pending entry")
        #expect(try await bus.scheduledMessages(limit: 10).map(\.id) == [meanwhile.id, later.id])
        let restarted = Task { [bus] in try await bus.runScheduler(leaseSettings: lease("two")) }
        let published = try await awaitTopicEvents(store) { $0.contains { $0.id == meanwhile.id } }
        restarted.cancel()
        try await restarted.value
        #expect(published.map(\.id) == [now.id, soon.id, meanwhile.id], "each once, the later one still waiting")
        #expect(try await bus.scheduledMessages(limit: 10).map(\.id) == [later.id])
        try store.close()
    }

    @Test func aRepeatAfterACrashBeforeTheCheckpointWritesNothing() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("bus.sqlite"))
        let bus = bus(store)
        let sent = try await bus.publish(NewEvent(type: "Soon", data: Data()), to: "mail", key: "s", after: .milliseconds(30))
        let first = Task { [bus] in try await bus.runScheduler(leaseSettings: lease("one")) }
        try await awaitTopicEvents(store) { !$0.isEmpty }
        first.cancel()
        try await first.value
        // As if the process died between publishing and saving its checkpoint.
        try await store.checkpoints.reset(named: "bus.$scheduler")
        let head = try await store.headPosition()
        let second = Task { [bus] in try await bus.runScheduler(leaseSettings: lease("two")) }
        let deadline = ContinuousClock.now + .seconds(30)
        while (try await store.checkpoints.checkpoint(named: "bus.$scheduler")?.position ?? .none) < sent.position {
            #expect(ContinuousClock.now < deadline, "the scheduler passes the entry again")
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        second.cancel()
        try await second.value
        #expect(try await store.headPosition() == head, "publishing the same id to the same stream again wrote nothing")
        #expect(try await topicEvents(store).map(\.id) == [sent.id])
        try store.close()
    }

    @Test func schedulersOnTwoConnectionsDeliverEachMessageOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let one = try await SQLiteEventStore(path: path)
        let two = try await SQLiteEventStore(path: path)
        let publisher = bus(one)
        var ids: [UUID] = []
        for index in 0..<6 {
            ids.append(try await publisher.publish(
                NewEvent(type: "Tick", data: Data("\(index)".utf8)), to: "ticks", key: "k\(index % 2)",
                after: .milliseconds(40 * (index + 1))).id)
        }
        let first = Task { [bus = bus(one)] in try await bus.runScheduler(leaseSettings: lease("one")) }
        let second = Task { [bus = bus(two)] in try await bus.runScheduler(leaseSettings: lease("two")) }
        let expected = ids
        let published = try await awaitTopicEvents(one) { $0.count >= expected.count }
        first.cancel()
        second.cancel()
        try await first.value
        try await second.value
        #expect(published.map(\.id) == ids)
        #expect(try await topicEvents(two).count == ids.count)
        try one.close()
        try two.close()
    }

    @Test func aRequestIsAnsweredFromAnotherConnection() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let client = try await SQLiteEventStore(path: path)
        let service = try await SQLiteEventStore(path: path)
        let responder = Task { [bus = bus(service)] in
            while true {
                let complete = try await service.completePosition()
                let requests = try await service.readAll(
                    from: .start, limit: 10, filter: EventFilter(categories: ["stock"]))
                if let request = requests.first {
                    return try await bus.reply(to: request, with: NewEvent(type: "StockLevel", data: Data("7".utf8)))
                }
                try await service.waitForAppends(after: complete)
            }
        }
        let request = NewEvent(type: "CheckStock", data: Data())
        let reply = try await bus(client).request(request, to: "stock", key: "A-1", timeout: .seconds(60))
        let position = try await responder.value
        #expect(reply.position == position)
        #expect(reply.type == "StockLevel")
        #expect(reply.metadata.causationId == request.id.uuidString.lowercased())
        try client.close()
        try service.close()
    }

    @Test func theOutboxCommitsWithTheAggregateOrNotAtAll() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("bus.sqlite"), options: .init(maximumEventSize: 4_096))
        let invoices = try AggregateRepository<Invoice>(store: store)
        let created = try await invoices.create("9") { _ in [Paid(amount: 5)] } publishing: { events, invoice in
            [OutgoingMessage(NewEvent(type: "InvoicePaid", data: Data(), metadata: events[0].metadata),
                to: "billing", key: invoice.id)]
        }
        let eventPosition = try #require(created.appendResult?.positions?.upperBound)
        #expect(created.published.map(\.position) == [eventPosition.next])

        let head = try await store.headPosition()
        let tooLarge = await #expect(throws: EventStoreError.self) {
            try await invoices.execute("9") { _ in [Paid(amount: 1)] } publishing: { _, invoice in
                [OutgoingMessage(NewEvent(type: "InvoicePaid", data: Data(count: 8_192)), to: "billing", key: invoice.id)]
            }
        }
        #expect(tooLarge?.code == .eventTooLarge)
        #expect(try await store.headPosition() == head)
        #expect(try await invoices.load("9").state.paid == 5, "the aggregate's event was not stored either")
        try store.close()
    }
}
