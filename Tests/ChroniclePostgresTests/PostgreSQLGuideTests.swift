import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

// The code of Docs/PostgreSQL.md ("Exactly-once projections"), compiled and run. Keep the two in step.

struct OrderPlaced: DomainEvent {
    static let eventType = "OrderPlaced"
    var customer: String
    var totalCents: Int
}

// --- guide: exactly-once projection ---
struct CustomerTotals: PostgresProjection {
    let name = "customer-totals"
    let handlers: PostgresProjectionHandlers
    static let logger = Logger(label: "app.customer-totals")

    init(registry: EventTypeRegistry) {
        var handlers = PostgresProjectionHandlers(registry: registry)
        handlers.on(OrderPlaced.self) { placed, record, connection in
            try await connection.query(
                """
                INSERT INTO customer_totals (customer, orders, total_cents)
                VALUES (\(placed.customer), 1, \(placed.totalCents))
                ON CONFLICT (customer) DO UPDATE SET orders = customer_totals.orders + 1,
                    total_cents = customer_totals.total_cents + excluded.total_cents
                """, logger: Self.logger)
        }
        self.handlers = handlers
    }

    var filter: EventFilter { handlers.filter }

    func prepare(_ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS customer_totals (
                customer text PRIMARY KEY, orders bigint NOT NULL, total_cents bigint NOT NULL)
            """, logger: Self.logger)
    }

    func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
        try await handlers.handle(event, in: connection)
    }

    func reset(_ connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM customer_totals", logger: Self.logger)
    }
}
// --- end ---

@Suite("Docs/PostgreSQL.md")
struct PostgreSQLGuideTests {
    @Test("the exactly-once projection example keeps customer totals")
    func exactlyOnceProjection() async throws {
        let database = try await PostgresTestDatabase.create()
        let url = database.url
        do {
            var registry = EventTypeRegistry()
            try registry.register(OrderPlaced.self)
            // --- guide: running it ---
            let store = try await PostgresEventStore(url: url)
            let runner = try ProjectionRunner(store: store, projections: [
                store.exactlyOnce(CustomerTotals(registry: registry)),
            ])
            try await runner.catchUp()
            // --- end ---
            for (stream, total) in [("order-1", 3_000), ("order-2", 500)] {
                try await store.append(
                    [try registry.encode(OrderPlaced(customer: "ada", totalCents: total))],
                    to: try StreamName(stream), expecting: .noStream)
            }
            try await runner.catchUp()
            try await runner.rebuild("customer-totals")
            let logger = CustomerTotals.logger
            // --- guide: reading it ---
            let totals = try await store.read { connection in
                var totals: [String: Int] = [:]
                for try await (customer, cents) in try await connection.query(
                    "SELECT customer, total_cents FROM customer_totals", logger: logger
                ).decode((String, Int).self) {
                    totals[customer] = cents
                }
                return totals
            }
            // --- end ---
            #expect(totals == ["ada": 3_500])
            store.close()
            var rows: [String] = []
            try await database.withConnection { connection, logger in
                for try await (customer, orders, total) in try await connection.query(
                    "SELECT customer, orders, total_cents FROM customer_totals", logger: logger
                ).decode((String, Int64, Int64).self) {
                    rows.append("\(customer) \(orders) \(total)")
                }
            }
            #expect(rows == ["ada 2 3500"], "applied once each, also after a rebuild")
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
