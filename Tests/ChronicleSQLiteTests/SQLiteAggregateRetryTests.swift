import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

private struct Deposited: DomainEvent {
    static let eventType = "Deposited"
    var amount: Int
}

private struct BankAccount: Aggregate, Codable {
    static let category = "account"
    static let handlers = EventHandlers<BankAccount>()
        .on(Deposited.self) { account, event in account.balance += event.amount }

    let id: String
    var balance = 0

    init(id: String) { self.id = id }
}

/// The repository's default retries on a real SQLite file: the issue's bank app
/// lost 6 of 8 concurrent deposits with the old default (no retry), and 1 of 8
/// with 5 retries and no wait between them.
@Suite("Aggregate retry defaults, SQLite")
struct SQLiteAggregateRetryTests {
    @Test func eightConcurrentCommandsOnOneAggregateAllSucceedWithTheDefaults() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("bank.sqlite"))
        let accounts = try AggregateRepository<BankAccount>(store: store)
        try await accounts.create("ada") { _ in [Deposited(amount: 0)] }

        let results = try await withThrowingTaskGroup(of: CommandResult<BankAccount>.self) { group in
            for amount in 1...8 {
                group.addTask { try await accounts.execute("ada") { _ in [Deposited(amount: amount)] } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(Set(results.map(\.version)) == Set(2...9))
        let loaded = try await accounts.load("ada")
        #expect(loaded.state.balance == 36, "every deposit applied once")
        #expect(loaded.version == 9)
        try store.close()
    }

    /// A conflict after the last retry is still the typed error, after waits
    /// bounded by the options (here: 3 retries of at most 1 ms each).
    @Test func aConflictAfterTheLastRetryIsTheTypedError() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("bank.sqlite"))
        let accounts = try AggregateRepository<BankAccount>(
            store: store,
            options: .init(maximumRetries: 3, retryDelay: .milliseconds(1), maximumRetryDelay: .milliseconds(1)))
        try await accounts.create("ada") { _ in [Deposited(amount: 0)] }
        let stream = try BankAccount.streamName(for: "ada")
        let error = try await #require(throws: AggregateError.self) {
            try await accounts.execute("ada") { account in
                // Another writer appends each time this command runs.
                let version = try await store.streamVersion(stream)
                try await store.append(
                    [NewEvent(type: Deposited.eventType, data: Data(#"{"amount":100}"#.utf8))], to: stream,
                    expecting: .exactly(version))
                return [Deposited(amount: 1)]
            }
        }
        #expect(error.code == .concurrencyConflict)
        #expect(error.attempts == 4, "the first run and 3 retries")
        #expect(try await accounts.load("ada").state.balance == 400, "only the other writer's events")
        try store.close()
    }
}
