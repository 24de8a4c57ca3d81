import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import Foundation
import GRDB

struct TestApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-app",
        abstract: "The admin tool of a test app.",
        subcommands: ChronicleCommands.storeCommands(projections: TestProjections.self))
}

/// On a SQLite store: `order-totals` (exactly-once, in the store's file) and
/// `payments-log` (at-least-once, in PATH.payments). On any other backend
/// (PostgreSQL): `payments-log` only, in the SQLite file TEST_APP_PAYMENTS names,
/// with its checkpoint and dead letters in the store.
enum TestProjections: ProjectionCatalog {
    static func projections(in opened: any BackendStore) async throws -> [any RunnableProjection] {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        guard let store = (opened as? SQLiteBackendStore)?.store else {
            guard let path = ProcessInfo.processInfo.environment["TEST_APP_PAYMENTS"], !path.isEmpty else {
                throw CommandError(.failure, "set TEST_APP_PAYMENTS to the payments file for a store that is not SQLite")
            }
            let payments = try DatabaseQueue(path: path, configuration: configuration)
            return [
                CheckpointedProjection(
                    PaymentsLog(database: payments), checkpoints: opened.checkpoints, deadLetters: opened.deadLetters)
            ]
        }
        let payments = try DatabaseQueue(path: store.path + ".payments", configuration: configuration)
        return [store.exactlyOnce(OrderTotals()), store.atLeastOnce(PaymentsLog(database: payments))]
    }
}

/// The event types the handlers fail on, from TEST_APP_FAIL_TYPES.
let failingTypes = Set(
    (ProcessInfo.processInfo.environment["TEST_APP_FAIL_TYPES"] ?? "").split(separator: ",").map(String.init))

struct InjectedFailure: Error, CustomStringConvertible {
    let event: EventRecord
    var description: String { "injected failure on \(event.type) at position \(event.position)" }
}

let testPolicy = FailurePolicy(maxAttempts: 2, initialDelay: .milliseconds(1), onExhausted: .skip)

/// The amount in an event's data: `{"amount": 12}`.
func amount(_ event: EventRecord) -> Int {
    let object = try? JSONSerialization.jsonObject(with: event.data) as? [String: Any]
    return object?["amount"] as? Int ?? 0
}

/// Per order stream: events, amount placed, amount paid, last position (exactly-once).
struct OrderTotals: SQLiteProjection {
    let name = "order-totals"
    var filter: EventFilter { EventFilter(categories: ["order"]) }
    var failurePolicy: FailurePolicy { testPolicy }

    func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS order_totals (
                    stream TEXT PRIMARY KEY, events INTEGER NOT NULL, placed INTEGER NOT NULL,
                    paid INTEGER NOT NULL, last_position INTEGER NOT NULL)
                """)
    }

    func apply(_ event: EventRecord, in db: Database) throws {
        if failingTypes.contains(event.type) { throw InjectedFailure(event: event) }
        let value = amount(event)
        try db.execute(
            sql: """
                INSERT INTO order_totals (stream, events, placed, paid, last_position) VALUES (?1, 1, ?2, ?3, ?4)
                ON CONFLICT (stream) DO UPDATE SET events = events + 1, placed = placed + ?2, paid = paid + ?3,
                    last_position = max(last_position, ?4)
                """,
            arguments: [
                event.stream.description, event.type == "Placed" ? value : 0, event.type == "Paid" ? value : 0,
                event.position.rawValue,
            ])
    }

    func reset(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM order_totals")
    }
}

/// One row per payment or refund, in a database of its own (at-least-once;
/// idempotent, as rows are keyed by position).
struct PaymentsLog: Projection {
    let name = "payments-log"
    let database: DatabaseQueue
    var filter: EventFilter { EventFilter(eventTypes: ["Paid", "Refunded"]) }
    var failurePolicy: FailurePolicy { testPolicy }

    func apply(_ event: EventRecord) async throws {
        if failingTypes.contains(event.type) { throw InjectedFailure(event: event) }
        try await database.write { db in
            try Self.prepare(db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO payments (position, stream, type, amount) VALUES (?, ?, ?, ?)",
                arguments: [event.position.rawValue, event.stream.description, event.type, amount(event)])
        }
    }

    func reset() async throws {
        try await database.write { db in
            try Self.prepare(db)
            try db.execute(sql: "DELETE FROM payments")
        }
    }

    static func prepare(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS payments (
                    position INTEGER PRIMARY KEY, stream TEXT NOT NULL, type TEXT NOT NULL, amount INTEGER NOT NULL)
                """)
    }
}
