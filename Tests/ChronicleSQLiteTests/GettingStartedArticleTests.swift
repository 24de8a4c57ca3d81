// The code of the Getting Started article (Sources/Chronicle/Chronicle.docc/GettingStarted.md),
// compiled and run: `everySwiftBlockOfTheArticleIsHere` checks that each block of the
// article (but the package manifest) appears here line for line.

import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

struct AccountOpened: DomainEvent {
    static let eventType = "AccountOpened"
    var owner: String
}

struct MoneyDeposited: DomainEvent {
    static let eventType = "MoneyDeposited"
    var cents: Int
}

struct MoneyWithdrawn: DomainEvent {
    static let eventType = "MoneyWithdrawn"
    var cents: Int
}

struct Account: Aggregate, Codable, Equatable {
    static let category = "account"
    static let handlers = EventHandlers<Account>()
        .on(AccountOpened.self) { account, event in account.owner = event.owner }
        .on(MoneyDeposited.self) { account, event in account.balance += event.cents }
        .on(MoneyWithdrawn.self) { account, event in account.balance -= event.cents }

    let id: String
    var owner: String?
    var balance = 0

    init(id: String) { self.id = id }
}

enum AccountError: Error, Equatable {
    case notOpen
    case invalidAmount(Int)
    case insufficientFunds(balance: Int)
}

extension Account {
    func open(owner: String) throws -> [any DomainEvent] {
        [AccountOpened(owner: owner)]
    }

    func deposit(cents: Int) throws -> [any DomainEvent] {
        guard owner != nil else { throw AccountError.notOpen }
        guard cents > 0 else { throw AccountError.invalidAmount(cents) }
        return [MoneyDeposited(cents: cents)]
    }

    func withdraw(cents: Int) throws -> [any DomainEvent] {
        guard owner != nil else { throw AccountError.notOpen }
        guard cents > 0 else { throw AccountError.invalidAmount(cents) }
        guard cents <= balance else { throw AccountError.insufficientFunds(balance: balance) }
        return [MoneyWithdrawn(cents: cents)]
    }
}

@Test func aDepositAddsToTheBalance() async throws {
    let account = try await AggregateSpec<Account>(id: "a-1")
        .given(AccountOpened(owner: "ada"))
        .when { account in try account.deposit(cents: 500) }
        .then(MoneyDeposited(cents: 500))
    #expect(account.balance == 500)
}

@Test func anAccountIsNeverOverdrawn() async throws {
    try await AggregateSpec<Account>(id: "a-1")
        .given(AccountOpened(owner: "ada"), MoneyDeposited(cents: 100))
        .when { account in try account.withdraw(cents: 500) }
        .thenThrows(AccountError.insufficientFunds(balance: 100))
}

actor BalanceBook {
    private(set) var balances: [String: Int] = [:]
    func add(_ cents: Int, to account: String) { balances[account, default: 0] += cents }
    func clear() { balances = [:] }
}

struct Balances: Projection {
    let name = "balances"
    let book: BalanceBook
    let registry: EventTypeRegistry

    func apply(_ event: EventRecord) async throws {
        switch try registry.decode(event) {
        case let deposited as MoneyDeposited: await book.add(deposited.cents, to: event.stream.id)
        case let withdrawn as MoneyWithdrawn: await book.add(-withdrawn.cents, to: event.stream.id)
        default: break
        }
    }

    func reset() async throws { await book.clear() }
}

@Test func balancesFollowTheLog() async throws {
    let store = InMemoryEventStore()
    let accounts = try AggregateRepository<Account>(store: store)
    try await accounts.create("a-1") { account in try account.open(owner: "ada") }
    try await accounts.execute("a-1") { account in try account.deposit(cents: 700) }
    try await accounts.execute("a-1") { account in try account.withdraw(cents: 200) }

    let book = BalanceBook()
    let runner = try ProjectionRunner(store: store, projections: [
        CheckpointedProjection(
            Balances(book: book, registry: accounts.registry),
            checkpoints: InMemoryCheckpointStore(), deadLetters: InMemoryDeadLetterStore()),
    ])
    try await runner.catchUp()
    #expect(await book.balances == ["a-1": 500])
}

@Suite("Getting Started article")
struct GettingStartedArticleTests {
    @Test func runItOnAFile() async throws {
        let directory = try TemporaryDirectory()
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }
        // The article opens "bank.sqlite" in the working directory; here it goes to a temporary one.
        func SQLiteEventStore(path: String) async throws -> ChronicleSQLite.SQLiteEventStore {
            try await ChronicleSQLite.SQLiteEventStore(path: directory.path(path))
        }

        let store = try await SQLiteEventStore(path: "bank.sqlite")
        let accounts = try AggregateRepository<Account>(store: store)
        try await accounts.create("a-1") { account in try account.open(owner: "ada") }
        try await accounts.execute("a-1") { account in try account.deposit(cents: 2_500) }
        let loaded = try await accounts.load("a-1")
        print(loaded.state.balance, loaded.version)   // 2500 2
        try store.close()

        #expect(printed == ["2500 2"])
        let reopened = try await ChronicleSQLite.SQLiteEventStore(path: directory.path("bank.sqlite"))
        let stored = try await reopened.readStream(try Account.streamName(for: "a-1"), from: 1, direction: .forward, limit: 10)
        #expect(stored.map(\.type) == ["AccountOpened", "MoneyDeposited"])
        try reopened.close()
    }

    @Test func everySwiftBlockOfTheArticleIsHere() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let article = try String(
            contentsOf: root.appendingPathComponent("Sources/Chronicle/Chronicle.docc/GettingStarted.md"), encoding: .utf8)
        let source = Self.normalizedLines(try String(contentsOf: here, encoding: .utf8))
        let blocks = ReadmeExampleTests.swiftBlocks(article).filter { !$0.contains("PackageDescription") }
        #expect(blocks.count == 5)
        for block in blocks {
            let lines = Self.normalizedLines(block)
            let found = Self.contains(source, run: lines)
            #expect(found, "not in this file: \(lines.first ?? "")")
        }
    }

    /// Whether `lines` appear in `source` one after the other.
    static func contains(_ source: [String], run lines: [String]) -> Bool {
        guard !lines.isEmpty, lines.count <= source.count else { return lines.isEmpty }
        for start in 0...(source.count - lines.count) where Array(source[start..<(start + lines.count)]) == lines {
            return true
        }
        return false
    }

    static func normalizedLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
