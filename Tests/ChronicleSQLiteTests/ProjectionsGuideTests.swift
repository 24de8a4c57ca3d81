import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import UnixSignals
import Synchronization
import Testing

// The code of Docs/Projections.md, compiled and run. Keep the two in step.

struct GuideOrderPlaced: DomainEvent {
    static let eventType = "GuideOrderPlaced"
    var customer: String
    var totalCents: Int
}

struct GuideOrderCancelled: DomainEvent {
    static let eventType = "GuideOrderCancelled"
}

// --- guide: exactly-once ---
struct CustomerTotals: SQLiteProjection {
    let name = "customer-totals"
    let handlers: SQLiteProjectionHandlers

    init(registry: EventTypeRegistry) {
        var handlers = SQLiteProjectionHandlers(registry: registry)
        handlers.on(GuideOrderPlaced.self) { placed, record, db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO customer_totals (customer, orders, total_cents) VALUES (?1, 1, ?2)
                    ON CONFLICT (customer) DO UPDATE SET orders = orders + 1, total_cents = total_cents + ?2
                    """
            ).execute(arguments: [placed.customer, placed.totalCents])
        }
        self.handlers = handlers
    }

    var filter: EventFilter { handlers.filter }

    func prepare(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS customer_totals (
                customer TEXT PRIMARY KEY NOT NULL, orders INTEGER NOT NULL, total_cents INTEGER NOT NULL)
            """)
    }

    func apply(_ event: EventRecord, in db: Database) throws { try handlers.handle(event, in: db) }

    func reset(_ db: Database) throws { try db.execute(sql: "DELETE FROM customer_totals") }
}
// --- end ---

// --- guide: at-least-once ---
actor Outbox {
    private(set) var sent: [String] = []
    func send(_ text: String) { sent.append(text) }
    func clear() { sent = [] }
}

struct CancellationMailer: Projection {
    let name = "cancellation-mailer"
    let outbox: Outbox
    var filter: EventFilter { EventFilter(eventTypes: [GuideOrderCancelled.eventType]) }
    var failurePolicy: FailurePolicy {
        FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(200), onExhausted: .skip)
    }

    func apply(_ event: EventRecord) async throws {
        // Idempotent by event id: a redelivery after a crash sends nothing twice
        // if the mail service deduplicates on it.
        await outbox.send("order \(event.stream.id) cancelled (message \(event.id))")
    }

    func reset() async throws { await outbox.clear() }
}
// --- end ---

@Suite("Projections guide")
struct ProjectionsGuideTests {
    @Test func guideRuns() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        var registry = EventTypeRegistry()
        try registry.register(GuideOrderPlaced.self)
        try registry.register(GuideOrderCancelled.self)
        let logger = Logger(label: "guide")

        // --- guide: running ---
        let store = try await SQLiteEventStore(path: path)
        let outbox = Outbox()
        let runner = try ProjectionRunner(store: store, projections: [
            store.exactlyOnce(CustomerTotals(registry: registry)),
            store.atLeastOnce(CancellationMailer(outbox: outbox)),
        ])
        let services = ServiceGroup(services: [runner], gracefulShutdownSignals: [.sigterm], logger: logger)
        // --- end ---

        let running = Task { try await services.run() }
        try await store.append(
            [try registry.encode(GuideOrderPlaced(customer: "ada", totalCents: 3_000))], to: StreamName("order-1"),
            expecting: .noStream)
        let result = try await store.append(
            [try registry.encode(GuideOrderCancelled())], to: StreamName("order-1"), expecting: .exactly(1))

        // --- guide: read your writes ---
        try await runner.waitUntilProcessed(result.positions!.upperBound)
        let total = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT total_cents FROM customer_totals WHERE customer = ?", arguments: ["ada"])
        }
        // --- end ---
        #expect(total == 3_000)
        #expect(await outbox.sent.count == 1)

        // --- guide: status ---
        for status in try await runner.status() {
            print(status.name, status.state, "lag \(status.lag) events", status.lagSeconds ?? 0, "s",
                  "\(status.deadLetters) dead letters")
        }
        // --- end ---

        // --- guide: rebuild ---
        try await runner.rebuild("customer-totals") { progress in
            print("\(progress.done)/\(progress.total) events, \(Int(progress.eventsPerSecond))/s")
        }
        // --- end ---
        #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT orders FROM customer_totals") } == 1)

        // --- guide: subscribe ---
        let checkpoint = try await store.checkpoints.checkpoint(named: "audit")?.position ?? .none
        for try await batch in store.subscribe(from: checkpoint.next, filter: EventFilter(categories: ["order"])) {
            for event in batch.events { print(event.position, event.type) }
            try await store.checkpoints.save(batch.position, named: "audit")
            if batch.isCaughtUp { break }
        }
        // --- end ---
        #expect(try await store.checkpoints.checkpoint(named: "audit")?.position == 2)

        // A mail that failed its last attempt, parked (as the runner parks it).
        let cancellation = try await store.readAll(from: 2, limit: 1)[0]
        try await store.deadLetters.park(
            cancellation, consumer: "cancellation-mailer", error: "mail server down", attempts: 5)
        // --- guide: retry ---
        for letter in try await store.deadLetters.deadLetters(consumer: "cancellation-mailer", limit: 100) {
            switch try await runner.retry(letter) {
            case .applied, .alreadyApplied: print("dead letter \(letter.id) resolved")
            case .failed(let kept): print("still failing after \(kept.attempts) attempts: \(kept.error)")
            case .notReached, .gone: break
            }
        }
        // --- end ---
        #expect(await outbox.sent.count == 2, "the parked mail was sent")
        #expect(try await store.deadLetters.count(consumer: nil) == 0)

        await services.triggerGracefulShutdown()
        try await running.value
    }
}
