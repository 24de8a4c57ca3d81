import Chronicle
import ChronicleTesting
import Foundation
import Testing

@Suite("Aggregate replay")
struct AggregateReplayTests {
    /// Appends an opening plus `steps` to the account's stream, through the registry, in random batches.
    static func storeHistory(
        _ steps: [AccountStep], id: String, owner: String = "ada", in store: some EventStore,
        registry: EventTypeRegistry, rng: inout SeededRandom
    ) async throws {
        let stream = try Account.streamName(for: id)
        let events: [any DomainEvent] = [AccountOpened(owner: owner)] + steps.map(\.event)
        var index = 0
        while index < events.count {
            let batch = min(events.count - index, 1 + Int(rng.next() % 7))
            let encoded = try events[index..<index + batch].map { try registry.encode($0) }
            try await store.append(encoded, to: stream, expecting: .exactly(Int64(index)))
            index += batch
        }
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13, 21, 34] as [UInt64])
    func replayMatchesAFoldByHand(seed: UInt64) async throws {
        var rng = SeededRandom(seed: seed)
        let store = InMemoryEventStore()
        let repository = try AggregateRepository<Account>(store: store, options: .init(readPageSize: 16))
        let steps = AccountStep.randomHistory(count: 1 + Int(rng.next() % 200), using: &rng)
        try await Self.storeHistory(steps, id: "r\(seed)", in: store, registry: repository.registry, rng: &rng)

        let loaded = try await repository.load("r\(seed)")
        #expect(loaded.state == handFold(id: "r\(seed)", owner: "ada", steps: steps), "seed \(seed)")
        #expect(loaded.version == Int64(steps.count + 1))
        #expect(loaded.stream == (try StreamName("account-r\(seed)")))

        // The public fold gives the same state from the raw records.
        var folded = Account(id: "r\(seed)")
        let records = try await store.readStream(loaded.stream, from: 1, direction: .forward, limit: 10_000)
        try Account.handlers.replay(records, onto: &folded, registry: repository.registry)
        #expect(folded == loaded.state)
    }

    @Test func anAggregateWithNoEventsIsNotFoundOrInitial() async throws {
        let repository = try AggregateRepository<Account>(store: InMemoryEventStore())
        let error = await expectAggregateError(.notFound) { try await repository.load("nobody") }
        #expect(error?.stream == (try StreamName("account-nobody")))
        let initial = try await repository.loadOrInitial("nobody")
        #expect(initial.version == 0)
        #expect(initial.state == Account(id: "nobody"))
    }

    @Test func anUnhandledTypeIsATypedErrorByDefault() async throws {
        let store = InMemoryEventStore()
        let registry = try EventTypeRegistry().registering(AuditNoteAdded.self)
        let repository = try AggregateRepository<Account>(store: store, registry: registry)
        let stream = try Account.streamName(for: "a")
        try await store.append(
            [
                try repository.registry.encode(AccountOpened(owner: "ada")),
                try repository.registry.encode(AuditNoteAdded(note: "checked")),
                try repository.registry.encode(MoneyDeposited(amount: 3)),
            ], to: stream, expecting: .noStream)
        let error = await expectAggregateError(.unknownEventType) { try await repository.load("a") }
        #expect(error?.typeName == "AuditNoteAdded")
        #expect(error?.streamVersion == 2)
        #expect(error?.message.contains("account-a") == true)

        // A type no registry knows is the same typed error, not a crash.
        try await store.append(
            [NewEvent(type: "FromTheFuture", data: Data("{}".utf8))], to: try Account.streamName(for: "b"),
            expecting: .noStream)
        let future = await expectAggregateError(.unknownEventType) { try await repository.load("b") }
        #expect(future?.typeName == "FromTheFuture")
    }

    @Test func unknownTypesAreSkippedWhenTheAggregateOptsIn() async throws {
        struct Lenient: Aggregate {
            static let category = "lenient"
            static let handlers = EventHandlers<Lenient>(unknownEvents: .ignore)
                .on(MoneyDeposited.self) { state, event in state.total += event.amount }
            let id: String
            var total = 0
            init(id: String) { self.id = id }
        }
        let store = InMemoryEventStore()
        let repository = try AggregateRepository<Lenient>(store: store)
        try await store.append(
            [
                try repository.registry.encode(MoneyDeposited(amount: 2)),
                NewEvent(type: "SomethingElse", data: Data("not even json".utf8)),
                try repository.registry.encode(MoneyDeposited(amount: 5)),
            ], to: try Lenient.streamName(for: "x"), expecting: .noStream)
        let loaded = try await repository.load("x")
        #expect(loaded.state.total == 7)
        #expect(loaded.version == 3)
    }

    @Test func aPayloadThatDoesNotDecodeIsACodingErrorNotACrash() async throws {
        let store = InMemoryEventStore()
        let repository = try AggregateRepository<Account>(store: store)
        try await store.append(
            [
                try repository.registry.encode(AccountOpened(owner: "ada")),
                NewEvent(type: "MoneyDeposited", data: Data(#"{"amount":"lots"}"#.utf8)),
            ], to: try Account.streamName(for: "c"), expecting: .noStream)
        let error = await #expect(throws: EventCodingError.self) { try await repository.load("c") }
        #expect(error?.code == .decodingFailed)
        #expect(error?.streamVersion == 2)
    }

    @Test func twoHandlersForOneTypeAreRefusedWhenTheRepositoryIsCreated() async throws {
        struct Doubled: Aggregate {
            static let category = "doubled"
            static let handlers = EventHandlers<Doubled>()
                .on(MoneyDeposited.self) { state, event in state.total += event.amount }
                .on(MoneyDeposited.self) { state, event in state.total += 2 * event.amount }
            let id: String
            var total = 0
            init(id: String) { self.id = id }
        }
        let error = await expectAggregateError(.duplicateHandler) {
            try AggregateRepository<Doubled>(store: InMemoryEventStore())
        }
        #expect(error?.message.contains("MoneyDeposited") == true)
    }

    @Test func aHandledTypeConflictingWithTheRegistryIsRefused() async throws {
        struct OtherDeposit: DomainEvent {
            static let eventType = "MoneyDeposited"
            var cents: Int
        }
        let registry = try EventTypeRegistry().registering(OtherDeposit.self)
        #expect(throws: EventCodingError.self) {
            try AggregateRepository<Account>(store: InMemoryEventStore(), registry: registry)
        }
    }

    @Test func invalidOptionsAndCategoriesAreRefused() async throws {
        struct BadCategory: Aggregate {
            static let category = "bad-category"
            static let handlers = EventHandlers<BadCategory>()
            let id: String
            init(id: String) { self.id = id }
        }
        await expectAggregateError(.invalidConfiguration) {
            try AggregateRepository<Account>(store: InMemoryEventStore(), options: .init(maximumRetries: -1))
        }
        await expectAggregateError(.invalidConfiguration) {
            try AggregateRepository<Account>(store: InMemoryEventStore(), options: .init(readPageSize: 0))
        }
        await expectAggregateError(.invalidConfiguration) {
            try AggregateRepository<Account>(
                store: InMemoryEventStore(), snapshots: InMemorySnapshotStore(), policy: .every(0))
        }
        #expect(throws: EventStoreError.self) { try AggregateRepository<BadCategory>(store: InMemoryEventStore()) }
    }
}
