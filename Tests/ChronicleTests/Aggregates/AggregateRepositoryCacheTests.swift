import Chronicle
import Foundation
import Synchronization
import Testing

/// Commands on cached aggregates: one append and no read, and a stale cache
/// (another writer appended) costs a re-run, never a wrong write or a spent retry.
@Suite("AggregateRepository cache and commands")
struct AggregateRepositoryCacheTests {
    /// Counts stream reads.
    final class ReadCountingStore: EventStore {
        let base = InMemoryEventStore()
        private let reads = Atomic<Int>(0)
        private let starts = Mutex<[Int64]>([])
        var streamReads: Int { reads.load(ordering: .relaxed) }
        /// The version each stream read started from.
        var readsFrom: [Int64] { starts.withLock { $0 } }

        func append(_ appends: [StreamAppend]) async throws -> [AppendResult] { try await base.append(appends) }

        func readStream(
            _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
        ) async throws -> [EventRecord] {
            reads.add(1, ordering: .relaxed)
            starts.withLock { $0.append(version) }
            return try await base.readStream(stream, from: version, direction: direction, limit: limit)
        }

        func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
            try await base.readAll(from: position, limit: limit, filter: filter)
        }

        func streamVersion(_ stream: StreamName) async throws -> Int64 { try await base.streamVersion(stream) }
        func headPosition() async throws -> GlobalPosition { try await base.headPosition() }
        func completePosition() async throws -> GlobalPosition { try await base.completePosition() }
        var positionDensity: PositionDensity { base.positionDensity }
    }

    @Test func commandsOnACachedAggregateReadNothing() async throws {
        let store = ReadCountingStore()
        let cached = try AggregateRepository<Account>(store: store, options: .init(cacheCapacity: 4))
        try await cached.create("1") { try $0.open(owner: "ada") }
        for _ in 1...10 { try await cached.execute("1") { try $0.deposit(1) } }
        #expect(store.streamReads == 0, "the cached state is used as is")
        #expect(try await cached.load("1").state.balance == 10)

        let uncached = try AggregateRepository<Account>(store: store)
        let before = store.streamReads
        for _ in 1...10 { try await uncached.execute("1") { try $0.deposit(1) } }
        #expect(store.streamReads - before >= 10, "without the cache every command reads the stream")
    }

    @Test func aStaleCacheReRunsTheCommandOnFreshStateWithoutSpendingARetry() async throws {
        let store = ReadCountingStore()
        let cached = try AggregateRepository<Account>(store: store, options: .init(maximumRetries: 0, cacheCapacity: 4))
        let other = try AggregateRepository<Account>(store: store.base)  // another writer, e.g. another process
        try await cached.create("1") { try $0.open(owner: "ada") }
        try await cached.execute("1") { try $0.deposit(10) }

        try await other.execute("1") { try $0.deposit(100) }
        let balances = Mutex<[Int]>([])
        let result = try await cached.execute("1") { account in
            balances.withLock { $0.append(account.balance) }
            return try account.deposit(1)
        }
        #expect(balances.withLock { $0 } == [10, 110], "ran on the stale cache, then on the state read from the store")
        #expect(store.readsFrom == [3], "the retry read only the event after the cached version 2")
        #expect(result.attempts == 2)
        #expect(result.state.balance == 111)
        #expect(result.version == 4)
        #expect(try await other.load("1").state.balance == 111, "nothing was written from the stale state")

        // A command that the fresh state refuses is refused.
        try await other.execute("1") { try $0.withdraw(111) }
        await #expect(throws: AccountError.insufficientFunds(balance: 0, requested: 1)) {
            try await cached.execute("1") { try $0.withdraw(1) }
        }
        #expect(try await other.load("1").version == 5)
    }

    @Test func realConflictsStillSpendRetries() async throws {
        let store = ReadCountingStore()
        let cached = try AggregateRepository<Account>(store: store, options: .init(maximumRetries: 0, cacheCapacity: 4))
        let other = try AggregateRepository<Account>(store: store.base)
        try await cached.create("1") { try $0.open(owner: "ada") }
        try await other.execute("1") { try $0.deposit(1) }
        // The first run (stale cache) and the second (fresh state) both lose to
        // another writer: the second conflict is a real one, beyond zero retries.
        let error = await #expect(throws: AggregateError.self) {
            try await cached.execute("1") { account in
                if account.balance == 1 { try await other.execute("1") { try $0.deposit(1) } }
                return try account.deposit(5)
            }
        }
        #expect(error?.code == .concurrencyConflict)
        #expect(error?.attempts == 2)
        #expect(try await other.load("1").state.balance == 2)
    }
}
