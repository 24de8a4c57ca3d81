internal import Chronicle
internal import Foundation

/// Loading an aggregate, with and without a snapshot, and replaying the whole log.
enum BenchReadWorkloads {
    /// Loads of one order written by one command per event (as an app writes it:
    /// every event has its own correlation and causation ids).
    static func load(_ bench: BenchContext, snapshot: Bool) async throws -> BenchResult {
        let events = bench.count(1_000, minimum: 2)
        let loads = Int(ProcessInfo.processInfo.environment["CHRONICLE_BENCH_LOADS"] ?? "") ?? 50
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let writer = try bench.orders(store, cache: 1)
            try await writer.create("big") { $0.place(0) }
            for n in 1..<events { try await writer.execute("big") { $0.addItem(n) } }
            let orders: AggregateRepository<BenchOrder>
            if snapshot {
                orders = try AggregateRepository<BenchOrder>(
                    store: store, snapshots: opened.snapshots, policy: .never)
                try await orders.saveSnapshot(of: "big")
            } else {
                orders = try bench.orders(store)
            }
            for _ in 0..<5 { _ = try await orders.load("big") }
            var samples = BenchSamples(capacity: loads)
            let timer = BenchTimer()
            for _ in 0..<loads {
                let began = ContinuousClock.now
                let order = try await orders.load("big")
                samples.record(since: began)
                guard order.version == Int64(events) else {
                    throw CommandError(.failure, "load: the order has version \(order.version), not \(events)")
                }
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            return BenchResult(
                workload: snapshot ? .loadSnapshot : .load, events: events * loads, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    /// Reads the log page by page and decodes every event to its Swift type,
    /// reading the next page while this one is decoded.
    static func replayAll(_ bench: BenchContext) async throws -> BenchResult {
        let events = bench.count(3_000) * 10
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let registry = try await BenchLog.populate(store, orders: events / 10)
            let pageSize = 1_000
            var samples = BenchSamples(capacity: events / pageSize + 1)
            var decoded = 0
            var items = 0
            let timer = BenchTimer()
            var began = ContinuousClock.now
            var page = try await store.readAll(from: .start, limit: pageSize)
            while !page.isEmpty {
                // The next page is read while this one is decoded (on every core, in order).
                let next = page[page.count - 1].position.next
                let more = page.count == pageSize
                async let following = more ? store.readAll(from: next, limit: pageSize) : []
                for event in try await registry.decode(page) {
                    switch event {
                    case let placed as BenchOrderPlaced: items += placed.items.count
                    case let added as BenchItemAdded: items += added.qty > 0 ? 1 : 0
                    default: break
                    }
                    decoded += 1
                }
                samples.record(since: began)
                began = ContinuousClock.now
                page = try await following
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            guard decoded == events, items > 0 else {
                throw CommandError(.failure, "replay-all decoded \(decoded) events, not \(events)")
            }
            return BenchResult(workload: .replayAll, events: decoded, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }
}

/// Fills a store with orders of ten events each, quickly (a hundred orders per
/// append), for the workloads that read a large log.
enum BenchLog {
    /// Appends `orderCount` orders of ten events and returns the registry that decodes them.
    static func populate(_ store: some EventStore, orders orderCount: Int) async throws -> EventTypeRegistry {
        let registry = try EventTypeRegistry()
            .registering(BenchOrderPlaced.self).registering(BenchItemAdded.self).registering(BenchOrderPaid.self)
        var n = 0
        while n < orderCount {
            var parts: [StreamAppend] = []
            for index in n..<min(orderCount, n + 100) {
                let context = CommandContext()
                let new = try BenchOrder(id: String(index)).placeAddAndPay(index).map {
                    try registry.encode($0, metadata: context.eventMetadata)
                }
                parts.append(StreamAppend(stream: try BenchOrder.streamName(for: String(index)), events: new, expecting: .noStream))
            }
            _ = try await store.append(parts)
            n += parts.count
        }
        return registry
    }
}
