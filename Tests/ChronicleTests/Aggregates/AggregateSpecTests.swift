import Chronicle
import ChronicleTesting
import Testing

@Suite("AggregateSpec")
struct AggregateSpecTests {
    @Test func givenWhenThenPasses() async throws {
        let account = try await AggregateSpec<Account>(id: "1")
            .given(AccountOpened(owner: "ada"), MoneyDeposited(amount: 50))
            .when { try $0.withdraw(20) }
            .then(MoneyWithdrawn(amount: 20))
        #expect(account.balance == 30)

        // No given events: the command runs on the initial state (a create).
        try await AggregateSpec<Account>(id: "2")
            .when { try $0.open(owner: "eve") }
            .then(AccountOpened(owner: "eve"))

        // No events expected.
        try await AggregateSpec<Account>(id: "3")
            .given(AccountOpened(owner: "ada"))
            .when { _ in [] }
            .then()
    }

    @Test func expectedErrorsPass() async throws {
        try await AggregateSpec<Account>(id: "1")
            .given(AccountOpened(owner: "ada"), AccountFrozen(reason: "audit"))
            .when { try $0.deposit(5) }
            .thenThrows(AccountError.frozen)
        let error = try await AggregateSpec<Account>(id: "1")
            .given([AccountOpened(owner: "ada")])
            .when { try $0.withdraw(5) }
            .thenThrows(AccountError.self) { $0 == .insufficientFunds(balance: 0, requested: 5) }
        #expect(error == .insufficientFunds(balance: 0, requested: 5))
    }

    @Test func otherEventsFailWithBothListsWrittenOut() async throws {
        let failure = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"), MoneyDeposited(amount: 50))
                .when { try $0.withdraw(20) }
                .then(MoneyWithdrawn(amount: 25), AccountFrozen(reason: "x"))
        }
        let message = try #require(failure?.message)
        #expect(message.contains("Account '1': the command returned other events than expected"))
        #expect(message.contains(#"1. MoneyWithdrawn v1 {"amount":25}"#))
        #expect(message.contains(#"2. AccountFrozen v1 {"reason":"x"}"#))
        #expect(message.contains("actual:\n    1. MoneyWithdrawn v1 {\"amount\":20}"))
        #expect(failure?.file.hasSuffix("AggregateSpecTests.swift") == true)
    }

    @Test func anUnexpectedErrorOrOutcomeFails() async throws {
        let threw = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"))
                .when { try $0.withdraw(5) }
                .then(MoneyWithdrawn(amount: 5))
        }
        #expect(threw?.message.contains("expected 1 event, but the command threw AccountError.insufficientFunds") == true)

        let succeeded = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"))
                .when { try $0.deposit(5) }
                .thenThrows(AccountError.frozen)
        }
        #expect(succeeded?.message.contains("but the command returned 1 event") == true)
        #expect(succeeded?.message.contains(#"MoneyDeposited v1 {"amount":5}"#) == true)

        let other = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"), AccountFrozen(reason: "x"))
                .when { try $0.withdraw(5) }
                .thenThrows(AccountError.notOpen)
        }
        #expect(other?.message.contains("expected error AccountError.notOpen, but got AccountError.frozen") == true)
    }

    /// An error with a description reads as its type and the description, one
    /// without as its type and case ("BankError.the account is closed" mixed them).
    @Test func errorsReadAsTypeAndCaseOrTypeAndDescription() async throws {
        let described = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"))
                .when { _ in throw BankError.closed }
                .thenThrows(AccountError.frozen)
        }
        #expect(
            described?.message
                == #"Account '1': expected an error of type AccountError, but got BankError "the account is closed""#)
        let plain = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"))
                .when { try $0.withdraw(5) }
                .thenThrows(BankError.closed)
        }
        #expect(
            plain?.message == "Account '1': expected an error of type BankError, but got "
                + "AccountError.insufficientFunds(balance: 0, requested: 5)")
        let payload = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1")
                .given(AccountOpened(owner: "ada"))
                .when { _ in throw BankError.limit(amount: 5) }
                .thenThrows(BankError.closed)
        }
        #expect(
            payload?.message == #"Account '1': expected error BankError "the account is closed", "#
                + #"but got BankError "over the limit of 5""#)
    }

    @Test func givenEventsWithoutHandlerAreASetupFailure() async throws {
        let failure = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Account>(id: "1", registry: try EventTypeRegistry().registering(AuditNoteAdded.self))
                .given(AccountOpened(owner: "ada"), AuditNoteAdded(note: "n"))
                .when { try $0.deposit(1) }
                .then(MoneyDeposited(amount: 1))
        }
        #expect(failure?.message.contains("the given events cannot be stored and replayed") == true)
        #expect(failure?.message.contains("AuditNoteAdded") == true)
    }

    @Test func eventsThatDoNotSurviveEncodingAreCaught() async throws {
        // The handler keeps a value the event's Codable form drops.
        struct Lossy: DomainEvent {
            static let eventType = "Lossy"
            var kept: Int
            var dropped: Int = 0
            enum CodingKeys: String, CodingKey { case kept }
        }
        struct Tally: Aggregate, Equatable {
            static let category = "tally"
            static let handlers = EventHandlers<Tally>().on(Lossy.self) { $0.total += $1.kept + $1.dropped }
            let id: String
            var total = 0
            init(id: String) { self.id = id }
        }
        let failure = await #expect(throws: AggregateSpecFailure.self) {
            try await AggregateSpec<Tally>(id: "1")
                .when { _ in [Lossy(kept: 1, dropped: 2)] }
                .then(Lossy(kept: 1, dropped: 2))
        }
        #expect(failure?.message.contains("differs from replaying them") == true)
    }
}

/// A domain error with descriptions, as apps write them.
private enum BankError: Error, Equatable, CustomStringConvertible {
    case closed
    case limit(amount: Int)

    var description: String {
        switch self {
        case .closed: "the account is closed"
        case .limit(let amount): "over the limit of \(amount)"
        }
    }
}
