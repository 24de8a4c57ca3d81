import Chronicle
import ChronicleTesting
import Foundation
import Logging
import Testing

/// A snapshot store whose writes always fail.
struct FailingSnapshotStore: SnapshotStore {
    struct Failure: Error {}
    let base = InMemorySnapshotStore()
    func saveSnapshot(_ snapshot: Snapshot) async throws { throw Failure() }
    func latestSnapshot(for stream: StreamName) async throws -> Snapshot? { try await base.latestSnapshot(for: stream) }
    func deleteSnapshots(for stream: StreamName) async throws {}
}

@Suite("Snapshots")
struct SnapshotTests {
    /// Runs random commands (each appending one event) through a repository that
    /// snapshots every `interval` events, then checks a fresh snapshot load
    /// (snapshot + tail) against a full replay and a fold by hand.
    @Test(arguments: [(1, 1), (2, 3), (3, 7), (4, 10), (5, 25), (6, 64), (7, 1), (8, 200)] as [(UInt64, Int)])
    func snapshotPlusTailEqualsFullReplay(seed: UInt64, interval: Int) async throws {
        var rng = SeededRandom(seed: seed)
        let base = InMemoryEventStore()
        let snapshots = InMemorySnapshotStore()
        let writer = try AggregateRepository<Account>(store: base, snapshots: snapshots, policy: .every(interval))
        let id = "s\(seed)"
        let steps = AccountStep.randomHistory(count: 1 + Int(rng.next() % 150), using: &rng)
        try await writer.create(id) { try $0.open(owner: "ada") }
        var index = 0
        while index < steps.count {
            let batch = steps[index..<min(steps.count, index + 1 + Int(rng.next() % 4))]
            try await writer.execute(id) { _ in batch.map(\.event) }
            index += batch.count
        }
        let total = Int64(steps.count + 1)
        let expected = handFold(id: id, owner: "ada", steps: steps)

        let store = InstrumentedStore(base)
        let fromSnapshot = try await AggregateRepository<Account>(
            store: store, snapshots: snapshots, policy: .never
        ).load(id)
        let fullReplay = try await AggregateRepository<Account>(store: base).load(id)
        #expect(fromSnapshot.state == expected, "seed \(seed), interval \(interval)")
        #expect(fullReplay.state == expected)
        #expect(fromSnapshot.version == total)

        let snapshot = try await snapshots.latestSnapshot(for: try Account.streamName(for: id))
        #expect((snapshot == nil) == (total < Int64(interval)), "a snapshot exists once an interval was reached")
        // Every command checked the policy, so the snapshot is less than one
        // interval plus one batch behind the head, and the load read only the tail.
        let snapshotVersion = snapshot?.version ?? 0
        #expect(snapshotVersion <= total)
        #expect(total - snapshotVersion < Int64(interval) + 4)
        #expect(store.eventsRead == Int(total - snapshotVersion))
        #expect((snapshot?.schemaVersion ?? 1) == Account.snapshotSchemaVersion)

        // A snapshot at any version k, folded by hand from the first k events, plus the tail.
        for _ in 1...5 {
            let k = 1 + Int64(rng.next() % UInt64(total))
            let prefix = handFold(id: id, owner: "ada", steps: Array(steps.prefix(Int(k - 1))))
            let at = InMemorySnapshotStore()
            try await at.saveSnapshot(
                Snapshot(stream: try Account.streamName(for: id), version: k, schemaVersion: 1,
                    data: try JSONEncoder().encode(prefix)))
            let counting = InstrumentedStore(base)
            let loaded = try await AggregateRepository<Account>(store: counting, snapshots: at, policy: .never).load(id)
            #expect(loaded.state == expected, "seed \(seed), snapshot at \(k)")
            #expect(counting.eventsRead == Int(total - k))
        }
    }

    @Test func policies() throws {
        let account = Account(id: "1")
        func context(_ version: Int64, last: Int64, new: [any DomainEvent] = []) -> SnapshotPolicy<Account>.Context {
            .init(state: account, version: version, lastSnapshotVersion: last, newEvents: new)
        }
        #expect(!SnapshotPolicy<Account>.never.shouldSnapshot(context(1_000, last: 0)))
        let every10 = SnapshotPolicy<Account>.every(10)
        #expect(!every10.shouldSnapshot(context(9, last: 0)))
        #expect(every10.shouldSnapshot(context(10, last: 0)))
        #expect(!every10.shouldSnapshot(context(19, last: 10)))
        #expect(every10.shouldSnapshot(context(23, last: 10)))
        let onFreeze = SnapshotPolicy<Account>.when { $0.newEvents.contains { $0 is AccountFrozen } }
        #expect(onFreeze.shouldSnapshot(context(2, last: 0, new: [AccountFrozen(reason: "x")])))
        #expect(!onFreeze.shouldSnapshot(context(2, last: 0, new: [AccountUnfrozen()])))
        // Never when nothing happened since the last snapshot.
        #expect(!SnapshotPolicy<Account>.when { _ in true }.shouldSnapshot(context(5, last: 5)))
    }

    @Test func aPredicatePolicySnapshotsWhenItHolds() async throws {
        let snapshots = InMemorySnapshotStore()
        let accounts = try AggregateRepository<Account>(
            store: InMemoryEventStore(), snapshots: snapshots,
            policy: .when { context in context.newEvents.contains { $0 is AccountFrozen } })
        try await accounts.create("1") { try $0.open(owner: "ada") }
        try await accounts.execute("1") { try $0.deposit(5) }
        #expect(await snapshots.count == 0)
        try await accounts.execute("1") { _ in [AccountFrozen(reason: "audit")] }
        let snapshot = try await snapshots.latestSnapshot(for: try Account.streamName(for: "1"))
        #expect(snapshot?.version == 3)
        let state = try JSONDecoder().decode(Account.self, from: try #require(snapshot).data)
        #expect(state.isFrozen && state.balance == 5)
    }

    @Test func aSnapshotOfAnotherSchemaVersionIsIgnoredThenReplaced() async throws {
        let base = InMemoryEventStore()
        let snapshots = InMemorySnapshotStore()
        let writer = try AggregateRepository<Account>(store: base)
        try await writer.create("1") { try $0.open(owner: "ada") }
        for amount in 1...5 { try await writer.execute("1") { try $0.deposit(amount) } }
        // A snapshot in another shape: it even decodes, to a wrong state.
        var wrong = Account(id: "1")
        wrong.balance = 1_000_000
        let stream = try Account.streamName(for: "1")
        try await snapshots.saveSnapshot(
            Snapshot(stream: stream, version: 6, schemaVersion: 99, data: try JSONEncoder().encode(wrong)))

        let store = InstrumentedStore(base)
        let metrics = RecordingMetrics()
        let accounts = try AggregateRepository<Account>(
            store: store, snapshots: snapshots, policy: .every(3), options: .init(metricsFactory: metrics))
        let loaded = try await accounts.load("1")
        #expect(loaded.state.balance == 15)
        #expect(store.eventsRead == 6, "replayed from the first event")
        // The policy took a new snapshot in the current schema on that load.
        let replaced = try #require(await snapshots.latestSnapshot(for: stream))
        #expect(replaced.schemaVersion == 1 && replaced.version == 6)
        #expect(try JSONDecoder().decode(Account.self, from: replaced.data) == loaded.state)
        #expect(metrics.value("chronicle_snapshots_corrupt_total", [("category", "account")]) == 0)
    }

    @Test(arguments: ["garbage bytes", #"{"id":"someone-else","isOpen":true,"owner":"x","balance":5,"isFrozen":false,"freezeReasons":[]}"#])
    func aCorruptSnapshotFallsBackToAFullReplayAndIsReported(bytes: String) async throws {
        let base = InMemoryEventStore()
        let snapshots = InMemorySnapshotStore()
        let writer = try AggregateRepository<Account>(store: base)
        try await writer.create("1") { try $0.open(owner: "ada") }
        for amount in 1...4 { try await writer.execute("1") { try $0.deposit(amount) } }
        let stream = try Account.streamName(for: "1")
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 5, schemaVersion: 1, data: Data(bytes.utf8)))

        let (logger, logs) = RecordingLogHandler.logger()
        let metrics = RecordingMetrics()
        let accounts = try AggregateRepository<Account>(
            store: base, snapshots: snapshots, policy: .never, options: .init(logger: logger, metricsFactory: metrics))
        let loaded = try await accounts.load("1")
        #expect(loaded.state == (try await writer.load("1").state))
        #expect(loaded.state.balance == 10)
        #expect(metrics.value("chronicle_snapshots_corrupt_total", [("category", "account")]) == 1)
        #expect(logs.messages.contains { $0.level == .error && $0.message.contains("corrupt snapshot") })
    }

    @Test func aFailedSnapshotWriteNeverFailsTheCommand() async throws {
        let store = InMemoryEventStore()
        let (logger, logs) = RecordingLogHandler.logger()
        let metrics = RecordingMetrics()
        let accounts = try AggregateRepository<Account>(
            store: store, snapshots: FailingSnapshotStore(), policy: .every(1),
            options: .init(logger: logger, metricsFactory: metrics))
        try await accounts.create("1") { try $0.open(owner: "ada") }
        let result = try await accounts.execute("1") { try $0.deposit(7) }
        #expect(result.version == 2)
        #expect(try await store.streamVersion(try Account.streamName(for: "1")) == 2)
        #expect(
            metrics.value("chronicle_snapshot_failures_total", [("category", "account"), ("operation", "save")]) == 2)
        #expect(logs.messages.filter { $0.level == .error && $0.message.contains("saving a snapshot failed") }.count == 2)
        // An explicit snapshot request does report the failure.
        await #expect(throws: FailingSnapshotStore.Failure.self) { try await accounts.saveSnapshot(of: "1") }
    }

    @Test func snapshotsAreTakenOnDemandAndUsedWithTheCache() async throws {
        let base = InMemoryEventStore()
        let snapshots = InMemorySnapshotStore()
        let metrics = RecordingMetrics()
        let accounts = try AggregateRepository<Account>(
            store: base, snapshots: snapshots, policy: .never, options: .init(metricsFactory: metrics))
        try await accounts.create("1") { try $0.open(owner: "ada") }
        for _ in 1...9 { try await accounts.execute("1") { try $0.deposit(1) } }
        #expect(await snapshots.count == 0)
        #expect(try await accounts.saveSnapshot(of: "1") == 10)
        #expect(metrics.value("chronicle_snapshots_saved_total", [("category", "account")]) == 1)
        let store = InstrumentedStore(base)
        let loaded = try await AggregateRepository<Account>(store: store, snapshots: snapshots, policy: .never)
            .load("1")
        #expect(loaded.state.balance == 9 && loaded.version == 10)
        #expect(store.eventsRead == 0)
        let plain = try AggregateRepository<Account>(store: base)
        await expectAggregateError(.invalidConfiguration) { try await plain.saveSnapshot(of: "1") }
    }

    @Test func theInMemorySnapshotStoreKeepsTheNewestVersion() async throws {
        let snapshots = InMemorySnapshotStore()
        let stream = try StreamName("account-1")
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 5, schemaVersion: 1, data: Data([5])))
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 3, schemaVersion: 1, data: Data([3])))
        #expect(try await snapshots.latestSnapshot(for: stream)?.data == Data([5]))
        try await snapshots.saveSnapshot(Snapshot(stream: stream, version: 5, schemaVersion: 2, data: Data([6])))
        #expect(try await snapshots.latestSnapshot(for: stream)?.schemaVersion == 2)
        try await snapshots.deleteSnapshots(for: stream)
        #expect(try await snapshots.latestSnapshot(for: stream) == nil)
    }
}
