import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import GRDB
import Testing

/// Replays from a SQLite file: the repository reads a long stream ahead in
/// pages on several tasks, straight from the store's buffers, and must give
/// exactly what a fold by hand gives, and the same errors, in stream order.
@Suite("SQLite aggregate replay")
struct SQLiteAggregateReplayTests {
    @Test(arguments: [(1, 1), (2, 7), (3, 64), (4, 128), (5, 1_000)] as [(UInt64, Int)])
    func replayMatchesAFoldByHandAndTheInMemoryStore(seed: UInt64, pageSize: Int) async throws {
        var random = SeededRandom(seed: seed)
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("ledger.sqlite"))
        let memory = InMemoryEventStore()
        let fromFile = try AggregateRepository<Ledger>(store: store, options: .init(readPageSize: pageSize))
        let fromMemory = try AggregateRepository<Ledger>(store: memory, options: .init(readPageSize: pageSize))

        // Lengths around the first read (64) and the pages, and a long one.
        for (index, count) in [1, 63, 64, 65, 200, 129 + Int(random.next() % 700)].enumerated() {
            let id = "l\(seed)-\(index)"
            var events: [NewEvent] = []
            var expected = Ledger(id: id)
            for _ in 0..<count {
                let (event, apply) = try LedgerStep.random(&random, registry: fromFile.registry)
                events.append(event)
                apply(&expected)
            }
            let stream = try Ledger.streamName(for: id)
            var written = 0
            while written < events.count {
                let batch = min(events.count - written, 1 + Int(random.next() % 40))
                let part = Array(events[written..<written + batch])
                try await store.append(part, to: stream, expecting: .exactly(Int64(written)))
                try await memory.append(part, to: stream, expecting: .exactly(Int64(written)))
                written += batch
            }

            let loaded = try await fromFile.load(id)
            #expect(loaded.state == expected, "seed \(seed), page \(pageSize), \(count) events")
            #expect(loaded.version == Int64(count))
            let reference = try await fromMemory.load(id)
            #expect(reference.state == loaded.state)
            #expect(reference.version == loaded.version)
        }
    }

    @Test func theFirstErrorInStreamOrderIsTheOneThrown() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("errors.sqlite"))
        let ledger = try AggregateRepository<Ledger>(store: store, options: .init(readPageSize: 16))
        // Every event has an id of its own: 600 credits, then the damage.
        func events(undecodableAt: Int?, unknownAt: Int?) throws -> [NewEvent] {
            try (1...600).map { version in
                if version == undecodableAt {
                    return NewEvent(type: Credited.eventType, data: Data(#"{"amount":"lots"}"#.utf8))
                }
                if version == unknownAt { return NewEvent(type: "FromTheFuture", data: Data("{}".utf8)) }
                return try ledger.registry.encode(Credited(amount: 1))
            }
        }

        // Version 100 does not decode, version 500 has no handler: the load
        // stops at 100, though pages after it were read (and failed) first.
        try await store.append(
            try events(undecodableAt: 100, unknownAt: 500), to: try Ledger.streamName(for: "both"), expecting: .noStream)
        let coding = try await #require(throws: EventCodingError.self) { try await ledger.load("both") }
        #expect(coding.code == .decodingFailed)
        #expect(coding.streamVersion == 100)
        #expect(coding.stream == (try Ledger.streamName(for: "both")))

        try await store.append(
            try events(undecodableAt: nil, unknownAt: 500), to: try Ledger.streamName(for: "late"), expecting: .noStream)
        let unhandled = try await #require(throws: AggregateError.self) { try await ledger.load("late") }
        #expect(unhandled.code == .unknownEventType)
        #expect(unhandled.streamVersion == 500)
        #expect(unhandled.typeName == "FromTheFuture")
    }

    @Test func aDamagedRowInALongStreamIsACorruptRecord() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("damaged.sqlite")
        let store = try await SQLiteEventStore(path: path)
        let ledger = try AggregateRepository<Ledger>(store: store, options: .init(readPageSize: 32))
        let events = try (0..<300).map { _ in try ledger.registry.encode(Credited(amount: 2)) }
        try await store.append(events, to: try Ledger.streamName(for: "d"), expecting: .noStream)
        #expect(try await ledger.load("d").state.balance == 600)
        try store.close()

        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction {
            try $0.execute(sql: "UPDATE chronicle_events SET schema_version = 'one' WHERE version = 250")
        }
        try queue.close()
        let reopened = try await SQLiteEventStore(path: path)
        let damaged = try AggregateRepository<Ledger>(store: reopened, options: .init(readPageSize: 32))
        let error = try await #require(throws: EventStoreError.self) { try await damaged.load("d") }
        #expect(error.code == .corruptRecord)
        #expect(error.message.contains("malformed column"), "\(error.message)")
    }
}

// MARK: - The ledger

private struct Credited: DomainEvent, Equatable {
    static let eventType = "Credited"
    var amount: Int
}

private struct Debited: DomainEvent, Equatable {
    static let eventType = "Debited"
    var amount: Int
    var memo: String
}

/// At schema version 2: version 1 called the field `title`.
private struct Renamed: DomainEvent, Equatable {
    static let eventType = "Renamed"
    static let schemaVersion = 2
    static let upcasters = [
        EventUpcaster.json(from: 1) { payload in
            payload["name"] = payload["title"]
            payload["title"] = nil
        }
    ]
    var name: String
}

private struct Ledger: Aggregate, Equatable {
    static let category = "ledger"
    static let handlers = EventHandlers<Ledger>()
        .on(Credited.self) { ledger, event in ledger.balance += event.amount }
        .on(Debited.self) { ledger, event in
            ledger.balance -= event.amount
            ledger.memos.append(event.memo)
        }
        .on(Renamed.self) { ledger, event in ledger.name = event.name }

    let id: String
    var balance = 0
    var memos: [String] = []
    var name = ""

    init(id: String) { self.id = id }
}

/// One random event, stored as it would be, with its effect done by hand.
private enum LedgerStep {
    static func random(
        _ random: inout SeededRandom, registry: EventTypeRegistry
    ) throws -> (NewEvent, (inout Ledger) -> Void) {
        let amount = Int(random.next() % 1_000)
        switch random.next() % 4 {
        case 0:
            return (try registry.encode(Credited(amount: amount)), { $0.balance += amount })
        case 1:
            // Memos of every length, some not ASCII.
            let memo = String(repeating: random.next() % 2 == 0 ? "m" : "é", count: Int(random.next() % 20))
            return (
                try registry.encode(Debited(amount: amount, memo: memo)),
                {
                    $0.balance -= amount
                    $0.memos.append(memo)
                }
            )
        case 2:
            return (try registry.encode(Renamed(name: "n\(amount)")), { $0.name = "n\(amount)" })
        default:
            // Written by an older release: upcast on replay.
            let old = NewEvent(type: Renamed.eventType, schemaVersion: 1, data: Data(#"{"title":"t\#(amount)"}"#.utf8))
            return (old, { $0.name = "t\(amount)" })
        }
    }
}
