import Chronicle
import Foundation
import Testing

@Suite("AggregateRepository")
struct AggregateRepositoryTests {
    @Test func createThenExecuteAppendsWithOptimisticConcurrency() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let created = try await accounts.create("1") { try $0.open(owner: "ada") }
        #expect(created.version == 1)
        #expect(created.state.isOpen)
        #expect(created.attempts == 1)
        #expect(created.appendResult?.versions == 1...1)

        let deposited = try await accounts.execute("1") { try $0.deposit(30) }
        #expect(deposited.version == 2)
        #expect(deposited.state.balance == 30)
        #expect(deposited.events.count == 1)
        #expect(deposited.events.first as? MoneyDeposited == MoneyDeposited(amount: 30))
        #expect(deposited.appended.map(\.type) == ["MoneyDeposited"])

        let records = try await store.readStream(try StreamName("account-1"), from: 1, direction: .forward, limit: 10)
        #expect(records.map(\.type) == ["AccountOpened", "MoneyDeposited"])
        #expect(records.map(\.id) == created.appended.map(\.id) + deposited.appended.map(\.id))
        #expect(try await accounts.load("1").state == deposited.state)
    }

    @Test func createRefusesAnExistingAggregateAndExecuteAMissingOne() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        await expectAggregateError(.notFound) { try await accounts.execute("1") { try $0.deposit(1) } }
        try await accounts.create("1") { try $0.open(owner: "ada") }
        let exists = await expectAggregateError(.alreadyExists) {
            try await accounts.create("1") { _ in [AccountOpened(owner: "eve")] }
        }
        #expect(exists?.streamVersion == 1)
        // Once, not "already exists: … already exists at version 1 (… but is at version 1)".
        #expect(exists.map { String(describing: $0) } == "aggregate already exists: Account 'account-1' has 1 event")
        #expect((exists?.cause as? EventStoreError)?.code == .wrongExpectedVersion)
        #expect(try await store.streamVersion(try StreamName("account-1")) == 1)
    }

    @Test func domainErrorsPassThroughUnchangedAndWriteNothing() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        try await accounts.create("1") { try $0.open(owner: "ada") }
        await #expect(throws: AccountError.insufficientFunds(balance: 0, requested: 5)) {
            try await accounts.execute("1") { try $0.withdraw(5) }
        }
        #expect(try await store.headPosition() == 1)
    }

    @Test func aCommandReturningNoEventAppendsNothing() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        try await accounts.create("1") { try $0.open(owner: "ada") }
        let result = try await accounts.execute("1") { _ in [] }
        #expect(result.version == 1)
        #expect(result.appendResult == nil)
        #expect(try await store.headPosition() == 1)
    }

    @Test func eventsWithoutHandlerOrRegistrationAreRefusedBeforeAppending() async throws {
        let store = InMemoryEventStore()
        let registry = try EventTypeRegistry().registering(AuditNoteAdded.self)
        let accounts = try AggregateRepository<Account>(store: store, registry: registry)
        try await accounts.create("1") { try $0.open(owner: "ada") }
        await expectAggregateError(.unknownEventType) {
            try await accounts.execute("1") { _ in [AuditNoteAdded(note: "no handler")] }
        }
        struct Unregistered: DomainEvent { static let eventType = "Unregistered" }
        await #expect(throws: EventCodingError.self) {
            try await accounts.execute("1") { _ in [MoneyDeposited(amount: 1), Unregistered()] }
        }
        #expect(try await store.headPosition() == 1)
    }

    @Test func correlationAndCausationFlowIntoEventMetadata() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let request = CommandContext(commandId: "cmd-1", correlationId: "req-9", headers: ["tenant": "acme"])
        try await accounts.create("1", context: request) { try $0.open(owner: "ada") }
        let opened = try await store.readStream(try StreamName("account-1"), from: 1, direction: .forward, limit: 1)[0]
        #expect(opened.metadata == EventMetadata(correlationId: "req-9", causationId: "cmd-1", headers: ["tenant": "acme"]))

        // A command without a correlation starts its own.
        try await accounts.execute("1", context: CommandContext(commandId: "cmd-2")) { try $0.deposit(1) }
        let second = try await store.readStream(try StreamName("account-1"), from: 2, direction: .forward, limit: 1)[0]
        #expect(second.metadata == EventMetadata(correlationId: "cmd-2", causationId: "cmd-2"))

        // A command caused by the first event keeps its correlation and names it as the cause.
        try await accounts.execute("1", context: CommandContext(causedBy: opened, commandId: "cmd-3")) {
            try $0.deposit(2)
        }
        let third = try await store.readStream(try StreamName("account-1"), from: 3, direction: .forward, limit: 1)[0]
        #expect(third.metadata.correlationId == "req-9")
        #expect(third.metadata.causationId == opened.id.uuidString.lowercased())
        #expect(third.metadata.headers == ["tenant": "acme"])
    }

    /// Twenty commands read the same version (a barrier holds every first read
    /// until all twenty have read), so nineteen conflict and must retry.
    @Test func twentyConcurrentCommandsAreEachAppliedExactlyOnce() async throws {
        let base = InMemoryEventStore()
        let metrics = RecordingMetrics()
        try await AggregateRepository<Account>(store: base).create("shared") { try $0.open(owner: "ada") }
        let store = InstrumentedStore(base, gatingFirstReads: 20)
        let accounts = try AggregateRepository<Account>(
            store: store, options: .init(maximumRetries: 25, cacheCapacity: 10, metricsFactory: metrics))

        let results = try await withThrowingTaskGroup(of: CommandResult<Account>.self) { group in
            for index in 1...20 {
                group.addTask {
                    try await accounts.execute("shared", context: CommandContext(commandId: "deposit-\(index)")) {
                        try $0.deposit(index)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let loaded = try await accounts.load("shared")
        #expect(loaded.state.balance == (1...20).reduce(0, +), "no lost update")
        #expect(loaded.version == 21)
        let records = try await base.readStream(try StreamName("account-shared"), from: 2, direction: .forward, limit: 100)
        let commandIds = records.compactMap(\.metadata.causationId)
        #expect(commandIds.count == 20)
        #expect(Set(commandIds) == Set((1...20).map { "deposit-\($0)" }), "every command applied exactly once")
        #expect(Set(results.map(\.version)) == Set(2...21))
        let attempts = results.map(\.attempts).reduce(0, +)
        #expect(results.filter { $0.attempts == 1 }.count == 1, "all twenty read version 1: one wins the first round")
        #expect(attempts >= 20 + 19)
        #expect(metrics.value("chronicle_aggregate_conflicts_total", [("category", "account")]) == Int64(attempts - 20))
    }

    @Test func conflictsBeyondTheRetriesAreATypedError() async throws {
        let base = InMemoryEventStore()
        try await AggregateRepository<Account>(store: base).create("shared") { try $0.open(owner: "ada") }
        let store = InstrumentedStore(base, gatingFirstReads: 2)
        let accounts = try AggregateRepository<Account>(store: store, options: .init(maximumRetries: 0))

        let outcomes = await withTaskGroup(of: Result<Int64, any Error>.self) { group in
            for amount in [1, 2] {
                group.addTask {
                    do {
                        return .success(try await accounts.execute("shared") { try $0.deposit(amount) }.version)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let failures = outcomes.compactMap { outcome -> (any Error)? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(failures.count == 1)
        let conflict = failures.first as? AggregateError
        #expect(conflict?.code == .concurrencyConflict)
        #expect(conflict?.attempts == 1)
        #expect(conflict?.streamVersion == 2)
        #expect((conflict?.cause as? EventStoreError)?.code == .wrongExpectedVersion)
        #expect(try await base.streamVersion(try StreamName("account-shared")) == 2)
    }

    @Test func theCacheIsNeverStale() async throws {
        let base = InMemoryEventStore()
        let store = InstrumentedStore(base)
        let cached = try AggregateRepository<Account>(store: store, options: .init(cacheCapacity: 2))
        let other = try AggregateRepository<Account>(store: base)  // another writer, e.g. another process
        try await cached.create("1") { try $0.open(owner: "ada") }
        for _ in 1...10 { try await cached.execute("1") { try $0.deposit(1) } }
        #expect(cached.cachedCount == 1)

        // Loads start from the cache: they read only what is new.
        let before = store.eventsRead
        #expect(try await cached.load("1").state.balance == 10)
        #expect(store.eventsRead == before)

        // Another writer appends: the cached repository sees it on the next load.
        try await other.execute("1") { try $0.deposit(100) }
        #expect(try await cached.load("1").state.balance == 110)
        #expect(store.eventsRead == before + 1)

        // And commands run on the fresh state.
        try await other.execute("1") { try $0.withdraw(110) }
        await #expect(throws: AccountError.insufficientFunds(balance: 0, requested: 1)) {
            try await cached.execute("1") { try $0.withdraw(1) }
        }
    }

    @Test func theCacheIsBoundedAndEvictsTheLeastRecentlyUsed() async throws {
        let base = InMemoryEventStore()
        let store = InstrumentedStore(base)
        let accounts = try AggregateRepository<Account>(store: store, options: .init(cacheCapacity: 2))
        for id in ["a", "b", "c"] {
            try await accounts.create(id) { try $0.open(owner: id) }
            for _ in 1...4 { try await accounts.execute(id) { try $0.deposit(1) } }
        }
        #expect(accounts.cachedCount == 2)
        // "a" was evicted: loading it replays its five events; "c" is cached.
        var before = store.eventsRead
        _ = try await accounts.load("c")
        #expect(store.eventsRead == before)
        _ = try await accounts.load("a")
        #expect(store.eventsRead == before + 5)
        // Now "b" is the least recently used.
        before = store.eventsRead
        _ = try await accounts.load("b")
        #expect(store.eventsRead == before + 5)
        accounts.evictFromCache("b")
        #expect(accounts.cachedCount == 1)
    }
}
