// The code of Docs/Aggregates.md, compiled and run. Every ```swift block of the
// guide appears here (or, for SQLite, in ChronicleSQLiteTests/AggregatesGuideSQLiteTests.swift)
// line for line; `everySwiftBlockOfTheGuideIsCompiled` checks that they match.

import Chronicle
import ChronicleTesting
import Foundation
import Testing

// MARK: - Modelling

struct ItemAdded: DomainEvent {
    static let eventType = "ItemAdded"

    var sku: String
    var quantity: Int
}

struct ItemRemoved: DomainEvent {
    static let eventType = "ItemRemoved"

    var sku: String
}

struct CartCheckedOut: DomainEvent {
    static let eventType = "CartCheckedOut"
}

struct Cart: Aggregate, Codable, Equatable {
    static let category = "cart"
    static let handlers = EventHandlers<Cart>()
        .on(ItemAdded.self) { cart, event in
            cart.items[event.sku, default: 0] += event.quantity
        }
        .on(ItemRemoved.self) { cart, event in
            cart.items[event.sku] = nil
        }
        .on(CartCheckedOut.self) { cart, _ in
            cart.isCheckedOut = true
        }

    let id: String
    var items: [String: Int] = [:]
    var isCheckedOut = false

    init(id: String) { self.id = id }
}

// MARK: - Commands

enum CartError: Error, Equatable {
    case checkedOut
    case invalidQuantity(Int)
    case empty
}

extension Cart {
    func add(sku: String, quantity: Int) throws -> [any DomainEvent] {
        guard !isCheckedOut else { throw CartError.checkedOut }
        guard quantity > 0 else { throw CartError.invalidQuantity(quantity) }
        return [ItemAdded(sku: sku, quantity: quantity)]
    }

    func remove(sku: String) throws -> [any DomainEvent] {
        guard !isCheckedOut else { throw CartError.checkedOut }
        return items[sku] == nil ? [] : [ItemRemoved(sku: sku)]
    }

    func checkOut() throws -> [any DomainEvent] {
        guard !isCheckedOut else { throw CartError.checkedOut }
        guard !items.isEmpty else { throw CartError.empty }
        return [CartCheckedOut()]
    }
}

// MARK: - Schema evolution

struct CouponApplied: DomainEvent {
    static let eventType = "CouponApplied"
    static let schemaVersion = 3
    static let upcasters: [EventUpcaster] = [
        // v1 -> v2: the discount was always 10 %; v2 stores it.
        .json(from: 1) { payload in
            payload["percent"] = 10
        },
        // v2 -> v3: one code became a list of codes.
        .json(from: 2) { payload in
            payload["codes"] = [payload["code"] ?? .null]
            payload["code"] = nil
        },
    ]

    var codes: [String]
    var percent: Int
}

struct CouponAppliedV2: Codable, Sendable {
    var code: String
    var percent: Int
}

let typedStep = EventUpcaster.typed(from: 2, CouponAppliedV2.self) { old in
    CouponApplied(codes: [old.code], percent: old.percent)
}

@Suite("Aggregates guide")
struct AggregatesGuideTests {
    @Test func usingTheRepository() async throws {
        let store = InMemoryEventStore()
        let carts = try AggregateRepository<Cart>(store: store)

        try await carts.create("c-1") { cart in try cart.add(sku: "apple", quantity: 3) }
        try await carts.execute("c-1") { cart in try cart.add(sku: "pear", quantity: 1) }
        let result = try await carts.execute("c-1") { cart in try cart.checkOut() }
        print(result.version)   // 3

        let loaded = try await carts.load("c-1")
        print(loaded.state.items, loaded.version)   // ["apple": 3, "pear": 1] 3
        #expect(result.version == 3)
        #expect(loaded.state.items == ["apple": 3, "pear": 1] && loaded.state.isCheckedOut)

        do {
            try await carts.execute("c-1") { cart in try cart.add(sku: "plum", quantity: 1) }
        } catch CartError.checkedOut {
            // the command refused: domain errors come through unchanged
        } catch AggregateError.notFound {
            // there is no such cart
        } catch AggregateError.concurrencyConflict {
            // other writers won every attempt, retries included
        }
        #expect(try await carts.load("c-1").version == 3)
    }

    @Test func options() async throws {
        let store = InMemoryEventStore()
        var options = AggregateRepository<Cart>.Options()
        options.maximumRetries = 3        // re-run a command on fresh state after a conflict
        options.cacheCapacity = 10_000    // keep recently used carts in memory
        let carts = try AggregateRepository<Cart>(store: store, options: options)
        try await carts.create("c-1") { try $0.add(sku: "apple", quantity: 1) }
        #expect(carts.cachedCount == 1)
    }

    @Test func queuingCommandsOnAHotAggregate() async throws {
        let store = InMemoryEventStore()
        var stockOptions = AggregateRepository<Cart>.Options()
        stockOptions.cacheCapacity = 1_000
        stockOptions.queuesCommands = true    // one command at a time per cart, in arrival order
        let hotCarts = try AggregateRepository<Cart>(store: store, options: stockOptions)
        try await hotCarts.create("c-1") { try $0.add(sku: "apple", quantity: 1) }
        // Twenty commands on one cart at once: each runs once, none meets a conflict.
        let attempts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { try await hotCarts.execute("c-1") { try $0.add(sku: "fig-\(index)", quantity: 1) }.attempts }
            }
            return try await group.reduce(0, +)
        }
        #expect(attempts == 20)
        #expect(try await hotCarts.load("c-1").state.items.count == 21)
    }

    @Test func executeOrCreateStartsACart() async throws {
        let carts = try AggregateRepository<Cart>(store: InMemoryEventStore())
        let result = try await carts.executeOrCreate("c-9") { cart in try cart.add(sku: "fig", quantity: 2) }
        print(result.version)   // 1 for a new cart
        #expect(result.version == 1)
        #expect(try await carts.executeOrCreate("c-9") { cart in try cart.add(sku: "fig", quantity: 1) }.version == 2)
    }

    @Test func correlationAndCausation() async throws {
        let store = InMemoryEventStore()
        let carts = try AggregateRepository<Cart>(store: store)

        let context = CommandContext(correlationId: "request-42", headers: ["user": "ada"])
        try await carts.create("c-2", context: context) { cart in try cart.add(sku: "fig", quantity: 2) }

        let stream = try Cart.streamName(for: "c-2")   // cart-c-2
        let added = try await store.readStream(stream, from: 1, direction: .forward, limit: 1)[0]
        try await carts.create("c-3", context: CommandContext(causedBy: added)) { cart in
            try cart.add(sku: "fig", quantity: 1)
        }

        let reaction = try await store.readStream(try Cart.streamName(for: "c-3"), from: 1, direction: .forward, limit: 1)
        #expect(added.metadata.correlationId == "request-42")
        #expect(added.metadata.causationId == added.metadata.causationId)
        #expect(reaction[0].metadata.correlationId == "request-42")
        #expect(reaction[0].metadata.causationId == added.id.uuidString.lowercased())
        #expect(reaction[0].metadata.headers == ["user": "ada"])
    }

    @Test func appendingTypedEventsYourself() async throws {
        let store = InMemoryEventStore()
        let carts = try AggregateRepository<Cart>(store: store)
        try await carts.create("c-1") { try $0.add(sku: "apple", quantity: 3) }
        try await carts.execute("c-1") { try $0.add(sku: "pear", quantity: 1) }
        try await carts.execute("c-1") { try $0.add(sku: "plum", quantity: 1) }

        let move = CommandContext(correlationId: "request-43")
        let from = try await carts.load("c-1")
        let results = try await store.append([
            StreamAppend(
                stream: from.stream,
                events: [try carts.registry.encode(ItemRemoved(sku: "apple"), metadata: move.eventMetadata)],
                expecting: .exactly(from.version)),
            StreamAppend(
                stream: try Cart.streamName(for: "c-4"),
                events: [try carts.registry.encode(ItemAdded(sku: "apple", quantity: 3), metadata: move.eventMetadata)],
                expecting: .noStream),
        ])
        print(results.map(\.version))   // [4, 1]

        #expect(results.map(\.version) == [4, 1])
        #expect(try await carts.load("c-1").state.items == ["pear": 1, "plum": 1])
        #expect(try await carts.load("c-4").state.items == ["apple": 3])
        let moved = try await store.readStream(try Cart.streamName(for: "c-4"), from: 1, direction: .forward, limit: 1)
        #expect(moved[0].metadata.correlationId == "request-43")

        // A stale expected version on one part writes neither.
        await #expect(throws: EventStoreError.self) {
            try await store.append([
                StreamAppend(
                    stream: from.stream,
                    events: [try carts.registry.encode(ItemRemoved(sku: "pear"))],
                    expecting: .exactly(from.version)),
                StreamAppend(
                    stream: try Cart.streamName(for: "c-5"),
                    events: [try carts.registry.encode(ItemAdded(sku: "pear", quantity: 1))],
                    expecting: .noStream),
            ])
        }
        #expect(try await carts.loadOrInitial("c-5").version == 0)
        #expect(try await carts.load("c-1").version == 4)
    }

    @Test func snapshotPolicies() async throws {
        let store = InMemoryEventStore()

        let everyHundred = SnapshotPolicy<Cart>.every(100)
        let atCheckout = SnapshotPolicy<Cart>.when { context in
            context.newEvents.contains { $0 is CartCheckedOut }
        }

        let snapshots = InMemorySnapshotStore()
        let carts = try AggregateRepository<Cart>(store: store, snapshots: snapshots, policy: atCheckout)
        try await carts.create("c-1") { try $0.add(sku: "apple", quantity: 1) }
        try await carts.execute("c-1") { try $0.checkOut() }
        let snapshot = try await snapshots.latestSnapshot(for: try Cart.streamName(for: "c-1"))
        print(snapshot?.version ?? 0)   // 2: taken when the cart was checked out
        #expect(snapshot?.version == 2)
        _ = try AggregateRepository<Cart>(store: store, snapshots: snapshots, policy: everyHundred)
    }

    @Test func schemaEvolution() async throws {
        let store = InMemoryEventStore()

        var registry = EventTypeRegistry()
        try registry.register(CouponApplied.self)

        let old = NewEvent(type: "CouponApplied", schemaVersion: 1, data: Data(#"{"code":"SPRING"}"#.utf8))
        try await store.append([old], to: try StreamName("coupon-1"), expecting: .noStream)
        let record = try await store.readStream(try StreamName("coupon-1"), from: 1, direction: .forward, limit: 1)[0]
        let coupon = try registry.decode(record) as! CouponApplied
        print(coupon.codes, coupon.percent)   // ["SPRING"] 10
        #expect(coupon.codes == ["SPRING"] && coupon.percent == 10)

        let v2 = try typedStep.upcast(Data(#"{"code":"X","percent":5}"#.utf8), codec: JSONEventCodec())
        #expect(String(decoding: v2, as: UTF8.self) == #"{"codes":["X"],"percent":5}"#)
    }

    @Test func aCustomCodec() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let registry = EventTypeRegistry(codec: JSONEventCodec(encoder: encoder, decoder: decoder))
        #expect(registry.typeNames.isEmpty)
    }

    @Test func checkingOutAnEmptyCartIsRefused() async throws {
        try await AggregateSpec<Cart>(id: "c-1")
            .when { cart in try cart.checkOut() }
            .thenThrows(CartError.empty)
    }

    @Test func checkingOut() async throws {
        try await AggregateSpec<Cart>(id: "c-1")
            .given(ItemAdded(sku: "apple", quantity: 3))
            .when { cart in try cart.checkOut() }
            .then(CartCheckedOut())
    }

    @Test func removingAnItemThatIsNotThereDoesNothing() async throws {
        try await AggregateSpec<Cart>(id: "c-1")
            .given(ItemAdded(sku: "apple", quantity: 3))
            .when { cart in try cart.remove(sku: "pear") }
            .then()
    }

    /// Each ```swift block of the guide must appear in a guide test file, line for
    /// line (ignoring indentation and blank lines), so the guide never shows code
    /// that does not compile.
    @Test func everySwiftBlockOfTheGuideIsCompiled() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guide = try String(contentsOf: root.appendingPathComponent("Docs/Aggregates.md"), encoding: .utf8)
        let sources = try [here, root.appendingPathComponent("Tests/ChronicleSQLiteTests/AggregatesGuideSQLiteTests.swift")]
            .map { Self.normalizedLines(try String(contentsOf: $0, encoding: .utf8)) }

        var blocks: [[String]] = []
        var current: [String]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(Self.normalizedLines(current!.joined(separator: "\n")))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        #expect(blocks.count >= 10)
        for block in blocks {
            let found = sources.contains { source in
                source.indices.contains { start in
                    start + block.count <= source.count && Array(source[start..<start + block.count]) == block
                }
            }
            #expect(found, "this block of Docs/Aggregates.md is not in a guide test file:\n\(block.joined(separator: "\n"))")
        }
    }

    static func normalizedLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
