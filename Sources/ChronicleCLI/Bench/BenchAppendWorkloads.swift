internal import Chronicle

/// The append workloads: every event is created and encoded inside the timed
/// loop, through the typed aggregate API.
enum BenchAppendWorkloads {
    /// New orders, one event each, one append each (`.noStream`).
    static func single(_ bench: BenchContext) async throws -> BenchResult {
        try await newOrders(bench, count: bench.count(10_000), workload: .appendSingle, eventsEach: 1) { $0.place($1) }
    }

    /// One order, one event per append, each expecting the version before it.
    static func stream(_ bench: BenchContext) async throws -> BenchResult {
        let count = bench.count(10_000, minimum: 2)
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let orders = try bench.orders(store, cache: 1)
            var samples = BenchSamples(capacity: count)
            let timer = BenchTimer()
            var began = ContinuousClock.now
            try await orders.create("1") { $0.place(0) }
            samples.record(since: began)
            for n in 1..<count {
                began = ContinuousClock.now
                try await orders.execute("1") { $0.addItem(n) }
                samples.record(since: began)
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            guard try await orders.load("1").version == Int64(count) else {
                throw CommandError(.failure, "append-stream: the order does not have \(count) events")
            }
            return BenchResult(workload: .appendStream, events: count, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    /// New orders, ten events each in one append.
    static func batch(_ bench: BenchContext) async throws -> BenchResult {
        try await newOrders(bench, count: bench.count(1_000), workload: .appendBatch, eventsEach: 10) { $0.placeAddAndPay($1) }
    }

    /// Creates `count` new orders, one append each, with the events `command` returns for order `n`.
    private static func newOrders(
        _ bench: BenchContext, count: Int, workload: BenchWorkload, eventsEach: Int,
        _ command: @escaping @Sendable (BenchOrder, Int) -> [any DomainEvent]
    ) async throws -> BenchResult {
        try await bench.withFreshStore { opened in
            let store = opened.events
            let orders = try bench.orders(store)
            var samples = BenchSamples(capacity: count)
            let timer = BenchTimer()
            for n in 0..<count {
                let began = ContinuousClock.now
                try await orders.create(String(n)) { command($0, n) }
                samples.record(since: began)
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            return BenchResult(workload: workload, events: count * eventsEach, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    /// append-single's appends without the aggregate layer: one event, encoded
    /// before the timed loop, appended to a new stream each time through
    /// `EventStore.append` (ids, metadata and validation as any append has them).
    /// Beside `append-single` it splits a typed append's cost between the store
    /// and the layer above it; beside the C program, it is the store's own overhead.
    static func storeAlone(_ bench: BenchContext) async throws -> BenchResult {
        let count = bench.count(10_000)
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let registry = try bench.orders(store).registry
            let placed = try registry.encode(BenchOrder(id: "0").place(0)[0])
            var samples = BenchSamples(capacity: count)
            let timer = BenchTimer()
            for n in 0..<count {
                let began = ContinuousClock.now
                let event = NewEvent(type: placed.type, data: placed.data)
                try await store.append([event], to: StreamName(category: BenchOrder.category, id: String(n)), expecting: .noStream)
                samples.record(since: began)
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            guard try await store.headPosition().rawValue == Int64(count) else {
                throw CommandError(.failure, "store-append: the log does not hold \(count) events")
            }
            return BenchResult(workload: .storeAppend, events: count, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    /// `--writers` tasks (16) at once, each appending single events to its own order.
    static func concurrent(_ bench: BenchContext) async throws -> BenchResult {
        let tasks = bench.writers
        let perTask = max(1, bench.count(20_000) / tasks)
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let orders = try bench.orders(store, cache: tasks)
            let timer = BenchTimer()
            let samples = try await withThrowingTaskGroup(of: BenchSamples.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var samples = BenchSamples(capacity: perTask)
                        let id = "c\(task)"
                        var began = ContinuousClock.now
                        try await orders.create(id) { $0.place(task) }
                        samples.record(since: began)
                        for n in 1..<perTask {
                            began = ContinuousClock.now
                            try await orders.execute(id) { $0.addItem(n) }
                            samples.record(since: began)
                        }
                        return samples
                    }
                }
                var all = BenchSamples(capacity: tasks * perTask)
                for try await part in group { for value in part.values { all.append(value) } }
                return all
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            let head = try await store.headPosition()
            guard head.rawValue == Int64(tasks * perTask) else {
                throw CommandError(.failure, "append-concurrent: the log holds \(head.rawValue) events, not \(tasks * perTask)")
            }
            return BenchResult(workload: .appendConcurrent, events: tasks * perTask, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }
}
