internal import Chronicle

/// How long an appended event takes to reach a subscriber in the same process.
enum BenchSubscriptionWorkload {
    /// One order created at a time; each time, waits until the subscriber holds
    /// its event, and records the time from calling `create` to the delivery.
    static func latency(_ bench: BenchContext) async throws -> BenchResult {
        let count = bench.count(1_000, minimum: 10)
        return try await bench.withFreshStore { opened in
            let store = opened.events
            let orders = try bench.orders(store)
            let (deliveries, continuation) = AsyncStream.makeStream(of: Delivery.self)
            let subscriber = Task {
                do {
                    for try await batch in store.subscribe(from: .start) {
                        let now = ContinuousClock.now
                        if batch.events.isEmpty { continuation.yield(Delivery(position: batch.position, at: now)) }
                        for event in batch.events { continuation.yield(Delivery(position: event.position, at: now)) }
                    }
                } catch {}
                continuation.finish()
            }
            var received = deliveries.makeAsyncIterator()
            _ = await received.next()  // caught up with the empty log: live from here
            var samples = BenchSamples(capacity: count)
            var failure: (any Error)?
            let timer = BenchTimer()
            do {
                for n in 0..<count {
                    let began = ContinuousClock.now
                    let result = try await orders.create("s\(n)") { $0.place(n) }
                    guard let target = result.appendResult?.positions?.upperBound else { continue }
                    while let delivery = await received.next() {
                        if delivery.position >= target {
                            samples.append(BenchClock.milliseconds(from: began, to: delivery.at))
                            break
                        }
                    }
                }
            } catch {
                failure = error
            }
            let (seconds, cpuSeconds) = timer.elapsed()
            subscriber.cancel()
            await subscriber.value
            if let failure { throw failure }
            guard samples.count == count else {
                throw CommandError(.failure, "subscription-latency: \(samples.count) of \(count) events were delivered")
            }
            return BenchResult(workload: .subscriptionLatency, events: count, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    struct Delivery: Sendable {
        let position: GlobalPosition
        let at: ContinuousClock.Instant
    }
}
