import Chronicle
import ChronicleTesting

// A small bank account aggregate used by the aggregate tests. Its fold is
// order-sensitive (last owner wins, freeze reasons keep their order), so a
// replay that reorders or drops events gives another state.

struct AccountOpened: DomainEvent, Equatable {
    static let eventType = "AccountOpened"
    var owner: String
}

struct MoneyDeposited: DomainEvent, Equatable {
    static let eventType = "MoneyDeposited"
    var amount: Int
}

struct MoneyWithdrawn: DomainEvent, Equatable {
    static let eventType = "MoneyWithdrawn"
    var amount: Int
}

struct OwnerRenamed: DomainEvent, Equatable {
    static let eventType = "OwnerRenamed"
    var owner: String
}

struct AccountFrozen: DomainEvent, Equatable {
    static let eventType = "AccountFrozen"
    var reason: String
}

struct AccountUnfrozen: DomainEvent, Equatable {
    static let eventType = "AccountUnfrozen"
}

/// An event type the account has no handler for.
struct AuditNoteAdded: DomainEvent, Equatable {
    static let eventType = "AuditNoteAdded"
    var note: String
}

enum AccountError: Error, Equatable {
    case notOpen
    case alreadyOpen
    case frozen
    case insufficientFunds(balance: Int, requested: Int)
}

struct Account: Aggregate, Codable, Equatable {
    static let category = "account"
    static let handlers = EventHandlers<Account>()
        .on(AccountOpened.self) { account, event in
            account.isOpen = true
            account.owner = event.owner
        }
        .on(MoneyDeposited.self) { account, event in account.balance += event.amount }
        .on(MoneyWithdrawn.self) { account, event in account.balance -= event.amount }
        .on(OwnerRenamed.self) { account, event in account.owner = event.owner }
        .on(AccountFrozen.self) { account, event in
            account.isFrozen = true
            account.freezeReasons.append(event.reason)
        }
        .on(AccountUnfrozen.self) { account, _ in account.isFrozen = false }

    let id: String
    var isOpen = false
    var owner = ""
    var balance = 0
    var isFrozen = false
    var freezeReasons: [String] = []

    init(id: String) { self.id = id }

    func open(owner: String) throws -> [any DomainEvent] {
        guard !isOpen else { throw AccountError.alreadyOpen }
        return [AccountOpened(owner: owner)]
    }

    func deposit(_ amount: Int) throws -> [any DomainEvent] {
        guard isOpen else { throw AccountError.notOpen }
        guard !isFrozen else { throw AccountError.frozen }
        return [MoneyDeposited(amount: amount)]
    }

    func withdraw(_ amount: Int) throws -> [any DomainEvent] {
        guard isOpen else { throw AccountError.notOpen }
        guard !isFrozen else { throw AccountError.frozen }
        guard balance >= amount else { throw AccountError.insufficientFunds(balance: balance, requested: amount) }
        return [MoneyWithdrawn(amount: amount)]
    }
}

/// The same events as a plain enum, for generating random histories and folding them by hand.
enum AccountStep: Equatable {
    case deposit(Int)
    case withdraw(Int)
    case rename(String)
    case freeze(String)
    case unfreeze

    var event: any DomainEvent {
        switch self {
        case .deposit(let amount): return MoneyDeposited(amount: amount)
        case .withdraw(let amount): return MoneyWithdrawn(amount: amount)
        case .rename(let owner): return OwnerRenamed(owner: owner)
        case .freeze(let reason): return AccountFrozen(reason: reason)
        case .unfreeze: return AccountUnfrozen()
        }
    }

    /// A random history: an opening followed by `count - 1` random steps.
    static func randomHistory(count: Int, using rng: inout SeededRandom) -> [AccountStep] {
        (1..<max(count, 1)).map { _ in
            switch rng.next() % 5 {
            case 0: return .deposit(Int(rng.next() % 1_000))
            case 1: return .withdraw(Int(rng.next() % 500))
            case 2: return .rename("owner-\(rng.next() % 100)")
            case 3: return .freeze("reason-\(rng.next() % 100)")
            default: return .unfreeze
            }
        }
    }
}

/// The expected state, folded by hand without the handlers.
func handFold(id: String, owner: String, steps: [AccountStep]) -> Account {
    var account = Account(id: id)
    account.isOpen = true
    account.owner = owner
    for step in steps {
        switch step {
        case .deposit(let amount): account.balance += amount
        case .withdraw(let amount): account.balance -= amount
        case .rename(let name): account.owner = name
        case .freeze(let reason):
            account.isFrozen = true
            account.freezeReasons.append(reason)
        case .unfreeze: account.isFrozen = false
        }
    }
    return account
}
