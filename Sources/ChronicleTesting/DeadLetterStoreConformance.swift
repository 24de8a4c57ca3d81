public import Chronicle
internal import Foundation

/// The contract of `DeadLetterStore` as executable checks, run
/// against every dead-letter store (the in-memory one and SQLite's; any backend
/// added later) so that they behave the same.
///
/// Each check needs a fresh, empty store. The checks cover every
/// implementation requirement the protocol documents: new, increasing ids that
/// are never reused; listing in id order with a per-consumer filter and a
/// limit; counts; removals and purges that report what went; failed retries
/// that keep the entry; parks from many tasks at once; and the first failure
/// kept by `park(_:consumer:error:attempts:firstFailedAt:)`.
///
/// ```swift
/// @Test(arguments: DeadLetterStoreConformance.checks)
/// func conformance(_ check: StoreConformanceCheck<any DeadLetterStore>) async throws {
///     try await check.run(against: InMemoryDeadLetterStore())
/// }
/// ```
public enum DeadLetterStoreConformance {
    /// Every check.
    ///
    /// ```swift
    /// for check in DeadLetterStoreConformance.checks { try await check.run(against: InMemoryDeadLetterStore()) }
    /// ```
    public static var checks: [StoreConformanceCheck<any DeadLetterStore>] {
        basicChecks + listingChecks + changeChecks + firstFailureChecks
    }

    static var basicChecks: [StoreConformanceCheck<any DeadLetterStore>] {
        [
            StoreConformanceCheck("a fresh store is empty, and operations on unknown ids find nothing") { store in
                try Expect.equal(try await store.deadLetters(consumer: nil, limit: 10), [], "the listing")
                try Expect.equal(try await store.count(consumer: nil), 0, "the count")
                try Expect.that(try await store.deadLetter(id: 1) == nil, "no entry 1")
                try Expect.equal(try await store.remove(id: 1), false, "removing entry 1")
                try Expect.equal(try await store.purge(consumer: nil), 0, "purging everything")
                try Expect.that(try await store.recordFailedRetry(id: 1, error: "x") == nil, "a failed retry of entry 1")
                try Expect.equal(try await store.count(consumer: nil), 0, "the count after all that")
            },
            StoreConformanceCheck("park keeps the event's position, id, stream and type, the consumer, error and attempts") {
                store in
                let event = DeadLetterFixtures.event(position: 17, stream: "order-42", type: "OrderPlaced")
                let before = Date()
                let letter = try await store.park(event, consumer: "order-summary", error: "boom: \u{1F4A5}", attempts: 3)
                let after = Date()
                try Expect.equal(letter.consumer, "order-summary", "consumer")
                try Expect.equal(letter.position, 17, "position")
                try Expect.equal(letter.eventId, event.id, "event id")
                try Expect.equal(letter.stream, event.stream, "stream")
                try Expect.equal(letter.type, "OrderPlaced", "type")
                try Expect.equal(letter.error, "boom: \u{1F4A5}", "error")
                try Expect.equal(letter.attempts, 3, "attempts")
                try Timing.expect(letter.failedAt, between: before, and: after, "failedAt")
                try Expect.equal(try await store.deadLetter(id: letter.id), letter, "the entry read back by id")
                try Expect.equal(
                    try await store.deadLetters(consumer: nil, limit: 10), [letter], "the entry read back by listing")
            },
            StoreConformanceCheck("ids are new and increasing") { store in
                var ids: [Int64] = []
                for index in 1...5 {
                    let letter = try await store.park(
                        DeadLetterFixtures.event(position: GlobalPosition(Int64(10 - index))), consumer: "s",
                        error: "e", attempts: 1)
                    ids.append(letter.id)
                }
                try Expect.that(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "strictly increasing ids: \(ids)")
            },
            StoreConformanceCheck("ids are never reused, even after the newest entry is removed or all are purged") {
                store in
                let first = try await store.park(DeadLetterFixtures.event(position: 1), consumer: "s", error: "e", attempts: 1)
                let second = try await store.park(DeadLetterFixtures.event(position: 2), consumer: "s", error: "e", attempts: 1)
                try Expect.equal(try await store.remove(id: second.id), true, "removing the newest entry")
                let third = try await store.park(DeadLetterFixtures.event(position: 3), consumer: "s", error: "e", attempts: 1)
                try Expect.that(third.id > second.id, "an id after a removed newest entry: \(third.id) > \(second.id)")
                try Expect.equal(try await store.purge(consumer: nil), 2, "purging everything")
                let fourth = try await store.park(DeadLetterFixtures.event(position: 4), consumer: "s", error: "e", attempts: 1)
                try Expect.that(fourth.id > third.id, "an id after a purge: \(fourth.id) > \(third.id)")
                try Expect.that(try await store.deadLetter(id: first.id) == nil, "a removed id finds nothing")
                try Expect.that(try await store.deadLetter(id: second.id) == nil, "a removed id finds nothing")
            },
            StoreConformanceCheck("parks from many tasks at once get distinct ids and are all kept") { store in
                let letters = try await withThrowingTaskGroup(of: DeadLetter.self) { group in
                    for index in 1...50 {
                        group.addTask {
                            try await store.park(
                                DeadLetterFixtures.event(position: GlobalPosition(Int64(index))),
                                consumer: index.isMultiple(of: 2) ? "even" : "odd", error: "e\(index)", attempts: 1)
                        }
                    }
                    var letters: [DeadLetter] = []
                    for try await letter in group { letters.append(letter) }
                    return letters
                }
                try Expect.equal(Set(letters.map(\.id)).count, 50, "distinct ids")
                let listed = try await store.deadLetters(consumer: nil, limit: 100)
                try Expect.equal(listed, letters.sorted { $0.id < $1.id }, "the listing holds every entry, in id order")
                try Expect.equal(try await store.count(consumer: "even"), 25, "even entries")
            },
            StoreConformanceCheck("fewer than one attempt is an invalidArgument error and stores nothing") { store in
                let event = DeadLetterFixtures.event(position: 5)
                try await Expect.error(.invalidArgument, "parking with 0 attempts") {
                    try await store.park(event, consumer: "a", error: "e", attempts: 0)
                }
                try await Expect.error(.invalidArgument, "parking with -3 attempts") {
                    try await store.park(event, consumer: "a", error: "e", attempts: -3)
                }
                try Expect.equal(try await store.count(consumer: nil), 0, "nothing stored")
            },
            StoreConformanceCheck("one event parked twice is two entries") { store in
                let event = DeadLetterFixtures.event(position: 5)
                let first = try await store.park(event, consumer: "a", error: "e", attempts: 1)
                let second = try await store.park(event, consumer: "a", error: "e", attempts: 2)
                try Expect.that(first.id != second.id, "two ids")
                try Expect.equal(try await store.count(consumer: "a"), 2, "two entries")
            },
        ]
    }

    static var listingChecks: [StoreConformanceCheck<any DeadLetterStore>] {
        [
            StoreConformanceCheck("the listing is in id order, filtered by consumer and cut at the limit") { store in
                // Positions deliberately out of order: the listing follows ids, not positions.
                let plan: [(String, Int64)] = [("a", 30), ("b", 10), ("a", 20), ("c", 5), ("a", 1), ("b", 40)]
                var parked: [DeadLetter] = []
                for (consumer, position) in plan {
                    parked.append(
                        try await store.park(
                            DeadLetterFixtures.event(position: GlobalPosition(position)), consumer: consumer,
                            error: "e", attempts: 1))
                }
                try Expect.equal(try await store.deadLetters(consumer: nil, limit: 100), parked, "everything")
                try Expect.equal(
                    try await store.deadLetters(consumer: nil, limit: 4), Array(parked.prefix(4)), "the first four")
                let ofA = parked.filter { $0.consumer == "a" }
                try Expect.equal(try await store.deadLetters(consumer: "a", limit: 100), ofA, "a's entries")
                try Expect.equal(
                    try await store.deadLetters(consumer: "a", limit: 2), Array(ofA.prefix(2)), "a's first two")
                try Expect.equal(try await store.deadLetters(consumer: "nobody", limit: 10), [], "an unknown consumer")
                try Expect.equal(
                    try await store.deadLetters(consumer: nil, limit: Int.max).count, 6, "the largest limit")
            },
            StoreConformanceCheck("a limit below 1 is an invalidArgument error") { store in
                try await store.park(DeadLetterFixtures.event(position: 1), consumer: "a", error: "e", attempts: 1)
                try await Expect.error(.invalidArgument, "a limit of 0") {
                    try await store.deadLetters(consumer: nil, limit: 0)
                }
                try await Expect.error(.invalidArgument, "a limit of -1 for one consumer") {
                    try await store.deadLetters(consumer: "a", limit: -1)
                }
            },
            StoreConformanceCheck("count counts one consumer's entries, or everyone's") { store in
                for consumer in ["a", "b", "a", "a"] {
                    try await store.park(DeadLetterFixtures.event(position: 1), consumer: consumer, error: "e", attempts: 1)
                }
                try Expect.equal(try await store.count(consumer: "a"), 3, "a")
                try Expect.equal(try await store.count(consumer: "b"), 1, "b")
                try Expect.equal(try await store.count(consumer: "c"), 0, "c")
                try Expect.equal(try await store.count(consumer: nil), 4, "everyone")
            },
            StoreConformanceCheck("consumer names are bytes: canonically equivalent spellings are different consumers") {
                store in
                let composed = "caf\u{E9}"
                let decomposed = "cafe\u{301}"
                let first = try await store.park(DeadLetterFixtures.event(position: 1), consumer: composed, error: "e", attempts: 1)
                try await store.park(DeadLetterFixtures.event(position: 2), consumer: decomposed, error: "e", attempts: 1)
                try Expect.equal(try await store.count(consumer: composed), 1, "the composed consumer's count")
                let listed = try await store.deadLetters(consumer: composed, limit: 10)
                try Expect.equal(listed.map(\.id), [first.id], "the composed consumer's entries")
                try Expect.that(
                    listed.allSatisfy { $0.consumer.utf8.elementsEqual(composed.utf8) }, "the name keeps its bytes")
                try Expect.equal(try await store.purge(consumer: decomposed), 1, "purging the decomposed consumer")
                try Expect.equal(try await store.count(consumer: nil), 1, "the composed entry stays")
            },
        ]
    }

    static var changeChecks: [StoreConformanceCheck<any DeadLetterStore>] {
        [
            StoreConformanceCheck("remove deletes one entry and reports whether it existed") { store in
                let first = try await store.park(DeadLetterFixtures.event(position: 1), consumer: "a", error: "e", attempts: 1)
                let second = try await store.park(DeadLetterFixtures.event(position: 2), consumer: "a", error: "e", attempts: 1)
                try Expect.equal(try await store.remove(id: first.id), true, "the first removal")
                try Expect.equal(try await store.remove(id: first.id), false, "the second removal")
                try Expect.that(try await store.deadLetter(id: first.id) == nil, "the entry is gone")
                try Expect.equal(try await store.deadLetters(consumer: nil, limit: 10), [second], "the other stays")
            },
            StoreConformanceCheck("purge removes one consumer's entries, or everyone's, and reports how many") { store in
                for consumer in ["a", "b", "a", "c", "a"] {
                    try await store.park(DeadLetterFixtures.event(position: 1), consumer: consumer, error: "e", attempts: 1)
                }
                try Expect.equal(try await store.purge(consumer: "a"), 3, "purging a")
                try Expect.equal(try await store.purge(consumer: "a"), 0, "purging a again")
                try Expect.equal(
                    try await store.deadLetters(consumer: nil, limit: 10).map(\.consumer), ["b", "c"], "the rest")
                try Expect.equal(try await store.purge(consumer: nil), 2, "purging everyone")
                try Expect.equal(try await store.count(consumer: nil), 0, "nothing left")
            },
            StoreConformanceCheck("a failed retry keeps the id and event, adds an attempt, replaces error and time") {
                store in
                let event = DeadLetterFixtures.event(position: 9, stream: "order-7", type: "Paid")
                let parked = try await store.park(event, consumer: "a", error: "first", attempts: 4)
                let other = try await store.park(DeadLetterFixtures.event(position: 10), consumer: "a", error: "o", attempts: 1)
                let before = Date()
                let updated = try await store.recordFailedRetry(id: parked.id, error: "second")
                let after = Date()
                try Expect.equal(updated?.id, parked.id, "id")
                try Expect.equal(updated?.consumer, "a", "consumer")
                try Expect.equal(updated?.position, 9, "position")
                try Expect.equal(updated?.eventId, event.id, "event id")
                try Expect.equal(updated?.stream, event.stream, "stream")
                try Expect.equal(updated?.type, "Paid", "type")
                try Expect.equal(updated?.error, "second", "error")
                try Expect.equal(updated?.attempts, 5, "attempts")
                try Timing.expect(updated?.failedAt, between: before, and: after, "failedAt")
                try Expect.equal(try await store.deadLetter(id: parked.id), updated, "the entry read back")
                try Expect.equal(
                    try await store.deadLetters(consumer: "a", limit: 10).map(\.id), [parked.id, other.id],
                    "the entry keeps its place in the listing")
                try Expect.equal(try await store.deadLetter(id: other.id), other, "the other entry is untouched")
                try Expect.that(
                    try await store.recordFailedRetry(id: other.id + 100, error: "x") == nil, "an unknown id finds nothing")
                try Expect.equal(try await store.count(consumer: nil), 2, "no entry added")
            },
        ]
    }
}

extension DeadLetterStoreConformance {
    static var firstFailureChecks: [StoreConformanceCheck<any DeadLetterStore>] {
        [
            StoreConformanceCheck("a park with the first failure keeps it; a park without one has none") { store in
                // Whole microseconds: stores may keep times to the microsecond.
                let first = Date(timeIntervalSince1970: 1_790_000_000.123456)
                let event = DeadLetterFixtures.event(position: 12, stream: "payment-9", type: "PaymentRequested")
                let before = Date()
                let letter = try await store.park(event, consumer: "payments", error: "timeout", attempts: 5, firstFailedAt: first)
                let after = Date()
                try Timing.expect(letter.firstFailedAt, near: first, "firstFailedAt of the parked entry")
                try Timing.expect(letter.failedAt, between: before, and: after, "failedAt, the time of the park")
                try Expect.equal(letter.attempts, 5, "attempts")
                try Expect.equal(letter.error, "timeout", "error")
                try Expect.equal(letter.eventId, event.id, "event id")
                try Expect.equal(try await store.deadLetter(id: letter.id), letter, "the entry read back by id")
                try Expect.equal(
                    try await store.deadLetters(consumer: "payments", limit: 10), [letter], "the entry read back by listing")
                let plain = try await store.park(event, consumer: "payments", error: "e", attempts: 1)
                try Expect.that(plain.firstFailedAt == nil, "no first failure for a plain park")
                try Expect.that(try await store.deadLetter(id: plain.id)?.firstFailedAt == nil, "none read back either")
                let unknown = try await store.park(event, consumer: "payments", error: "e", attempts: 1, firstFailedAt: nil)
                try Expect.that(try await store.deadLetter(id: unknown.id)?.firstFailedAt == nil, "an unknown first failure")
            },
            StoreConformanceCheck("a failed retry keeps the first failure") { store in
                let first = Date(timeIntervalSince1970: 1_790_000_100.5)
                let parked = try await store.park(
                    DeadLetterFixtures.event(position: 3), consumer: "payments", error: "one", attempts: 2,
                    firstFailedAt: first)
                let updated = try await store.recordFailedRetry(id: parked.id, error: "two")
                try Timing.expect(updated?.firstFailedAt, near: first, "firstFailedAt after a failed retry")
                try Expect.equal(updated?.attempts, 3, "attempts after a failed retry")
                try Expect.equal(try await store.deadLetter(id: parked.id), updated, "the entry read back")
            },
            StoreConformanceCheck("a park with the first failure and fewer than one attempt stores nothing") { store in
                try await Expect.error(.invalidArgument, "parking with 0 attempts and a first failure") {
                    try await store.park(
                        DeadLetterFixtures.event(position: 1), consumer: "a", error: "e", attempts: 0, firstFailedAt: Date())
                }
                try Expect.equal(try await store.count(consumer: nil), 0, "nothing stored")
            },
        ]
    }
}

enum DeadLetterFixtures {
    static func event(position: GlobalPosition, stream: String = "order-1", type: String = "Happened") -> EventRecord {
        EventRecord(
            position: position, stream: Fixtures.stream(stream), version: 1, id: UUID(), type: type, schemaVersion: 1,
            data: Data("{}".utf8), metadata: EventMetadata(), recordedAt: Date())
    }
}
