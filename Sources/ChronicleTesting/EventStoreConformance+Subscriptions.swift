internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var subscriptionChecks: [ConformanceCheck] {
        [subscriptionCatchUpThenLive, subscriptionHandOverUnderLoad, subscriptionFilters, subscriptionFromMiddle,
         subscriptionCancellation]
    }

    /// Collects events from a subscription until `count` have arrived.
    static func collect(_ subscription: EventSubscription, count: Int) async throws -> [EventRecord] {
        var events: [EventRecord] = []
        for try await batch in subscription {
            events += batch.events
            if events.count >= count { break }
        }
        return events
    }

    static let subscriptionCatchUpThenLive = ConformanceCheck(
        "a subscription delivers history, reports catching up, then delivers live appends"
    ) { store in
        let history = try await store.append(Fixtures.events(5), to: Fixtures.stream("order-1"), expecting: .noStream)
        let fifth = history.positions!.upperBound
        let live = Locked<GlobalPosition?>(nil)
        let batches = try await withDeadline(seconds: 30, "subscription reaches live events") {
            var batches: [SubscriptionBatch] = []
            for try await batch in store.subscribe(from: .start, batchSize: 2) {
                batches.append(batch)
                if batch.isCaughtUp && batch.position == fifth {
                    // Caught up: now append, and the subscription must pick it up live.
                    let result = try await store.append(
                        Fixtures.events(2), to: Fixtures.stream("order-2"), expecting: .noStream)
                    live.withLock { $0 = result.positions!.upperBound }
                }
                if let last = live.withLock({ $0 }), batch.position >= last { break }
            }
            return batches
        }
        let delivered = batches.flatMap { $0.events }
        try Expect.equal(
            try await Fixtures.ordinals(of: delivered, in: store), Array(1...7), "events delivered, in log order")
        try Expect.equal(delivered.map(\.position), try await Fixtures.snapshot(of: store).map(\.position), "the whole log")
        try Expect.that(batches.allSatisfy { $0.events.count <= 2 }, "batches respect the batch size")
        try Expect.that(batches.contains { $0.isCaughtUp && $0.position == fifth }, "the catch-up is reported")
        try Expect.equal(batches.last?.position, delivered.last?.position, "the last batch's position")
    }

    static let subscriptionHandOverUnderLoad = ConformanceCheck(
        "no gaps or duplicates across the catch-up to live hand-over while writers append"
    ) { store in
        for index in 0..<20 {
            try await store.append(Fixtures.events(10), to: Fixtures.stream("seed-\(index)"), expecting: .noStream)
        }
        let total = 200 + 4 * 60
        let delivered = try await withDeadline(seconds: 60, "subscription sees every event") {
            try await withThrowingTaskGroup(of: [EventRecord].self) { group in
                group.addTask { try await collect(store.subscribe(from: .start, batchSize: 7), count: total) }
                for writer in 0..<4 {
                    group.addTask {
                        for round in 0..<30 {
                            try await store.append(
                                Fixtures.events(2), to: Fixtures.stream("live-\(writer)"),
                                expecting: .exactly(Int64(round * 2)))
                        }
                        return []
                    }
                }
                var delivered: [EventRecord] = []
                for try await events in group { delivered += events }
                return delivered
            }
        }
        try Expect.equal(
            delivered.map(\.position), try await Fixtures.snapshot(of: store).map(\.position),
            "every position once, in order")
        try Expect.equal(delivered.count, total, "every event")
        try Expect.equal(Set(delivered.map(\.id)).count, total, "no event delivered twice")
    }

    static let subscriptionFilters = ConformanceCheck(
        "a filtered subscription delivers matching events and still advances its position"
    ) { store in
        try await store.append([Fixtures.event("Placed")], to: Fixtures.stream("order-1"), expecting: .any)
        try await store.append(Fixtures.events(5, type: "Noise"), to: Fixtures.stream("noise-1"), expecting: .any)
        try await store.append([Fixtures.event("Paid")], to: Fixtures.stream("order-1"), expecting: .any)
        try await store.append(Fixtures.events(3, type: "Noise"), to: Fixtures.stream("noise-1"), expecting: .any)
        let batches = try await withDeadline(seconds: 30, "filtered subscription catches up") {
            var batches: [SubscriptionBatch] = []
            for try await batch in store.subscribe(from: .start, filter: EventFilter(categories: ["order"])) {
                batches.append(batch)
                if batch.isCaughtUp { break }
            }
            return batches
        }
        try Expect.equal(batches.flatMap { $0.events.map(\.type) }, ["Placed", "Paid"], "delivered types")
        try Expect.equal(
            batches.last?.position, try await store.completePosition(),
            "position covers the skipped events up to the complete position")
        let byType = try await withDeadline(seconds: 30, "type-filtered subscription") {
            try await collect(store.subscribe(from: .start, filter: EventFilter(eventTypes: ["Paid"])), count: 1)
        }
        try Expect.equal(try await Fixtures.ordinals(of: byType, in: store), [7], "type filter")
    }

    static let subscriptionFromMiddle = ConformanceCheck(
        "a subscription from a checkpoint starts right after it"
    ) { store in
        try await store.append(Fixtures.events(10), to: Fixtures.stream("order-1"), expecting: .noStream)
        let checkpoint = try await Fixtures.position(ofOrdinal: 6, in: store)
        let events = try await withDeadline(seconds: 30, "subscription from position 7") {
            try await collect(store.subscribe(from: checkpoint.next), count: 4)
        }
        try Expect.equal(events.map(\.version), [7, 8, 9, 10], "versions after the checkpoint")
    }

    static let subscriptionCancellation = ConformanceCheck(
        "cancelling the consuming task ends a live subscription cleanly"
    ) { store in
        try await store.append(Fixtures.events(1), to: Fixtures.stream("order-1"), expecting: .noStream)
        let caughtUp = AsyncStream<Void>.makeStream()
        let consumer = Task { () -> (Int, Bool) in
            var received = 0
            for try await batch in store.subscribe() {
                received += batch.events.count
                if batch.isCaughtUp { caughtUp.continuation.yield() }
            }
            return (received, Task.isCancelled)
        }
        var iterator = caughtUp.stream.makeAsyncIterator()
        _ = await iterator.next()
        consumer.cancel()
        let (received, cancelled) = try await withDeadline(seconds: 10, "cancelled subscription ends") {
            try await consumer.value
        }
        try Expect.equal(received, 1, "events received before cancelling")
        try Expect.that(cancelled, "the sequence ended because its task was cancelled")
    }
}
