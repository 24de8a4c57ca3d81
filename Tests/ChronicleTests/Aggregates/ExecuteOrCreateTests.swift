import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// `executeOrCreate`: the first command creates the aggregate, later ones
/// execute on it, and writers racing to create it each apply exactly once.
@Suite("AggregateRepository executeOrCreate")
struct ExecuteOrCreateTests {
    /// Opens the account when it is new, then deposits `amount`.
    static func openAndDeposit(_ amount: Int) -> (Account) throws -> [any DomainEvent] {
        { account in
            account.isOpen ? try account.deposit(amount) : [AccountOpened(owner: "ada"), MoneyDeposited(amount: amount)]
        }
    }

    @Test func theFirstCommandCreatesAndTheNextExecutes() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let created = try await accounts.executeOrCreate("1", Self.openAndDeposit(5))
        #expect(created.version == 2)
        #expect(created.attempts == 1)
        let again = try await accounts.executeOrCreate("1", Self.openAndDeposit(7))
        #expect(again.version == 3)
        #expect(again.state.balance == 12)
        let records = try await store.readStream(try StreamName("account-1"), from: 1, direction: .forward, limit: 10)
        #expect(records.map(\.type) == ["AccountOpened", "MoneyDeposited", "MoneyDeposited"])
    }

    @Test func writersRacingToCreateEachApplyOnce() async throws {
        let store = InMemoryEventStore()
        var options = AggregateRepository<Account>.Options()
        options.maximumRetries = 40
        options.retryDelay = .milliseconds(1)
        let accounts = try AggregateRepository<Account>(store: store, options: options)
        // Every writer's first attempt waits until all twenty have seen the empty
        // stream: one creates it, the other nineteen meet a conflict.
        let started = Locked(0)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    var first = true
                    return try await accounts.executeOrCreate("1") { account in
                        if first {
                            first = false
                            started.withLock { $0 += 1 }
                            try await withDeadline(seconds: 60, "all writers load the empty stream") {
                                while started.withLock({ $0 }) < 20 { try await Task.sleep(for: .milliseconds(1)) }
                            }
                        }
                        return try Self.openAndDeposit(1)(account)
                    }.attempts
                }
            }
            var attempts = 0
            for try await taken in group { attempts += taken }
            #expect(attempts >= 39, "nineteen writers conflicted at least once")
        }
        let records = try await store.readStream(try StreamName("account-1"), from: 1, direction: .forward, limit: 100)
        #expect(records.filter { $0.type == "AccountOpened" }.count == 1)
        #expect(try await accounts.load("1").state.balance == 20)
    }

    @Test func aCommandWithNoEventOnANewAggregateStoresNothing() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let result = try await accounts.executeOrCreate("1") { _ in [] }
        #expect(result.version == 0)
        #expect(result.appendResult == nil)
        #expect(try await store.headPosition() == .none)
        await expectAggregateError(.notFound) { try await accounts.load("1") }
    }

    @Test func domainErrorsOnANewAggregatePassThroughAndStoreNothing() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        await #expect(throws: AccountError.notOpen) { try await accounts.executeOrCreate("1") { try $0.deposit(1) } }
        #expect(try await store.headPosition() == .none)
    }

    @Test func aCachedAggregateTakesNoReadAndANewOneOne() async throws {
        let store = AggregateRepositoryCacheTests.ReadCountingStore()
        let accounts = try AggregateRepository<Account>(store: store, options: .init(cacheCapacity: 4))
        try await accounts.executeOrCreate("1", Self.openAndDeposit(1))
        #expect(store.streamReads == 1, "a new aggregate: one read finds no events")
        for _ in 1...5 { try await accounts.executeOrCreate("1", Self.openAndDeposit(1)) }
        #expect(store.streamReads == 1, "then the cached state is used as is")
    }

    @Test func messagesArePublishedWithTheCreatingAppend() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let result = try await accounts.executeOrCreate("1", Self.openAndDeposit(3)) { events, account in
            [OutgoingMessage(NewEvent(type: "AccountFunded", data: Data("{\"balance\":\(account.balance)}".utf8)),
                to: "accounts", key: account.id)]
        }
        #expect(result.version == 2)
        #expect(result.published.count == 1)
        let topic = try await store.readAll(from: .none, limit: 10, filter: EventFilter(categories: ["accounts"]))
        #expect(topic.map(\.type) == ["AccountFunded"])
    }
}
