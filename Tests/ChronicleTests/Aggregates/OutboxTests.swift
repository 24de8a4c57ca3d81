import Chronicle
import Foundation
import Testing

@Suite("AggregateRepository outbox")
struct OutboxTests {
    /// The integration message of an account change: its balance after the command.
    private static func balanceMessage(_ events: [NewEvent], _ account: Account) -> [OutgoingMessage] {
        [OutgoingMessage(
            NewEvent(type: "BalanceChanged", data: Data(#"{"balance":\#(account.balance)}"#.utf8),
                metadata: events[0].metadata),
            to: "balances", key: account.id)]
    }

    @Test func eventsAndMessagesCommitTogetherAtConsecutivePositions() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let created = try await accounts.create("1") { try $0.open(owner: "ada") } publishing: { events, account in
            Self.balanceMessage(events, account)
        }
        #expect(created.published.count == 1)
        let result = try await accounts.execute("1", context: CommandContext(correlationId: "req-9")) {
            try $0.deposit(30)
        } publishing: { events, account in
            Self.balanceMessage(events, account)
        }

        #expect(result.version == 2)
        let receipt = try #require(result.published.first)
        let eventPosition = try #require(result.appendResult?.positions?.upperBound)
        #expect(receipt.position == eventPosition.next, "one transaction: consecutive positions")
        #expect(receipt.stream.description == "balances-1")
        let log = try await store.readAll(from: .start, limit: 10)
        #expect(log.map(\.type) == ["AccountOpened", "BalanceChanged", "MoneyDeposited", "BalanceChanged"])
        let message = try #require(log.last)
        #expect(message.id == receipt.id)
        #expect(message.position == receipt.position)
        #expect(String(decoding: message.data, as: UTF8.self) == #"{"balance":30}"#)
        #expect(message.metadata.correlationId == "req-9", "the message carries the command's correlation")
    }

    @Test func anInvalidMessageStoresNeitherItNorTheEvents() async throws {
        let store = InMemoryEventStore(maximumEventSize: 4_096)
        let accounts = try AggregateRepository<Account>(store: store)
        try await accounts.create("1") { try $0.open(owner: "ada") }
        let head = try await store.headPosition()

        let toAll = await #expect(throws: EventStoreError.self) {
            try await accounts.execute("1") { try $0.deposit(30) } publishing: { _, _ in
                [OutgoingMessage(message("BalanceChanged"), to: .all)]
            }
        }
        #expect(toAll?.code == .invalidArgument)

        let oversized = await #expect(throws: EventStoreError.self) {
            try await accounts.execute("1") { try $0.deposit(30) } publishing: { _, account in
                [OutgoingMessage(
                    NewEvent(type: "BalanceChanged", data: Data(count: 8_192)), to: "balances", key: account.id)]
            }
        }
        #expect(oversized?.code == .eventTooLarge)

        let reusedId = await #expect(throws: EventStoreError.self) {
            try await accounts.execute("1") { try $0.deposit(30) } publishing: { events, account in
                [OutgoingMessage(events[0], to: "balances", key: account.id)]
            }
        }
        #expect(reusedId?.code == .duplicateEvent)

        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await accounts.execute("1") { try $0.deposit(30) } publishing: { _, _ in throw Refused() }
        }

        #expect(try await store.headPosition() == head, "nothing was stored")
        #expect(try await accounts.load("1").state.balance == 0)
    }

    @Test func aConflictRetryPublishesOnlyTheRetriedDecision() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        try await accounts.create("1") { try $0.open(owner: "ada") }
        let runs = Locked(0)
        let built = Locked<[Int]>([])
        let result = try await accounts.execute("1") { account in
            if runs.withLock({ $0 += 1; return $0 }) == 1 {
                // Another writer gets in between this attempt's read and its append.
                try await accounts.execute("1") { try $0.deposit(100) }
            }
            return try account.deposit(30)
        } publishing: { events, account in
            built.withLock { $0.append(account.balance) }
            return Self.balanceMessage(events, account)
        }

        #expect(result.attempts == 2)
        #expect(built.withLock { $0 } == [30, 130], "the messages are built again from the retried decision")
        let messages = try await store.readAll(from: .start, limit: 100, filter: EventFilter(categories: ["balances"]))
        #expect(messages.count == 1)
        #expect(messages.map(\.id) == result.published.map(\.id))
        #expect(String(decoding: messages[0].data, as: UTF8.self) == #"{"balance":130}"#)
    }

    @Test func aDelayedMessageJoinsTheAppendAsAScheduledEntry() async throws {
        let store = InMemoryEventStore()
        let accounts = try AggregateRepository<Account>(store: store)
        let due = Date() + 3_600
        let result = try await accounts.create("1") { try $0.open(owner: "ada") } publishing: { _, account in
            [OutgoingMessage(message("Welcome"), to: "mail", key: account.id, deliverAt: due)]
        }
        let receipt = try #require(result.published.first)
        #expect(receipt.deliverAt == due)
        #expect(receipt.stream.description == "mail-1")
        let log = try await store.readAll(from: .start, limit: 10)
        #expect(log.map(\.stream.category) == ["account", "$scheduled"])
        #expect(log.last?.position == receipt.position)
    }
}
