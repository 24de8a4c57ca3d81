internal import Chronicle
internal import Logging
internal import Foundation

/// Messages published through the bus and delivered to a consumer group in the
/// same process.
enum BenchBusWorkload {
    /// Messages per `publish` call.
    static let batch = 100
    /// Keys the messages are spread over (streams of the topic).
    static let keys = 1_000

    /// Publishes the messages in batches over ``keys`` keys of topic `bench`
    /// while one member of a group with the default 8 partitions counts them.
    /// The rate is from the first publish to the last delivery; each message's
    /// sample is from the call that published it to its handler. Fails unless
    /// every message arrived exactly once.
    static func throughput(_ bench: BenchContext) async throws -> BenchResult {
        let count = bench.count(20_000, minimum: batch)
        return try await bench.withFreshStore { opened in
            // Joining and leaving are not news in a benchmark's output.
            let bus = opened.bus.with(logger: Logger(label: "chronicle.bench") { _ in SwiftLogNoOpLogHandler() })
            let topic: Topic = "bench"
            let tally = Tally(count: count)
            let consumer = bus.consumer(try ConsumerGroup("bench", topics: [topic])) { message in
                tally.received(message.data)
            }
            // A consumer that stops (fails) ends the wait for deliveries.
            let running = Task {
                defer { tally.stop() }
                try await consumer.run()
            }
            let timer: BenchTimer
            let published: [ContinuousClock.Instant]
            let last: ContinuousClock.Instant
            let cpuSeconds: Double
            do {
                // Publish once the member owns every partition: its start is not timed.
                while consumer.statistics.ownedPartitions.count < consumer.group.partitions, !tally.isStopped {
                    try await Task.sleep(for: .milliseconds(1))
                }
                let run = try await publish(count, to: topic, on: bus)
                timer = run.timer
                published = run.published
                last = await tally.allDelivered()
                cpuSeconds = timer.elapsed().cpuSeconds
            } catch {
                running.cancel()
                _ = await running.result
                throw error
            }
            running.cancel()
            try await running.value
            let (deliveries, duplicates, arrivals) = tally.snapshot()
            guard deliveries == count, duplicates == 0 else {
                throw CommandError(
                    .failure,
                    "bus-throughput: \(deliveries) of \(count) messages were delivered, \(duplicates) more than once")
            }
            var samples = BenchSamples(capacity: count)
            for (n, arrival) in arrivals.enumerated() {
                if let arrival { samples.append(BenchClock.milliseconds(from: published[n / batch], to: arrival)) }
            }
            let seconds = BenchClock.seconds(from: timer.start, to: last)
            return BenchResult(
                workload: .busThroughput, events: count, seconds: seconds, cpuSeconds: cpuSeconds, samples: samples)
        }
    }

    /// Publishes `count` messages, ``batch`` per call; returns the timer started
    /// before the first call and when each call began.
    private static func publish(
        _ count: Int, to topic: Topic, on bus: EventBus
    ) async throws -> (timer: BenchTimer, published: [ContinuousClock.Instant]) {
        var published: [ContinuousClock.Instant] = []
        published.reserveCapacity((count + batch - 1) / batch)
        let timer = BenchTimer()
        for start in stride(from: 0, to: count, by: batch) {
            published.append(.now)
            let messages = (start..<min(count, start + batch)).map { n in
                OutgoingMessage(NewEvent(type: "BenchPinged", data: Data(String(n).utf8)), to: topic, key: "k\(n % keys)")
            }
            try await bus.publish(messages)
        }
        return (timer, published)
    }

    /// What the handler saw: when each message first arrived, and how often.
    final class Tally: Sendable {
        private struct State {
            var arrivals: [ContinuousClock.Instant?]
            var distinct = 0
            var duplicates = 0
            var stopped = false
            var last = ContinuousClock.now
            var waiter: CheckedContinuation<ContinuousClock.Instant, Never>?
        }

        private let count: Int
        private let state: Locked<State>

        init(count: Int) {
            self.count = count
            state = Locked(State(arrivals: Array(repeating: nil, count: count)))
        }

        /// Counts a message whose data is its number.
        func received(_ data: Data) {
            let now = ContinuousClock.now
            let n = Int(String(decoding: data, as: UTF8.self)) ?? -1
            let done: (CheckedContinuation<ContinuousClock.Instant, Never>, ContinuousClock.Instant)? = state.withLock { state in
                guard state.arrivals.indices.contains(n), state.arrivals[n] == nil else {
                    state.duplicates += 1
                    return nil
                }
                state.arrivals[n] = now
                state.distinct += 1
                state.last = now
                guard state.distinct == count, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return (waiter, now)
            }
            if let done { done.0.resume(returning: done.1) }
        }

        /// Waits until every message arrived, the consumer stopped or the task is
        /// cancelled; returns when the last message arrived.
        func allDelivered() async -> ContinuousClock.Instant {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let now: ContinuousClock.Instant? = state.withLock { state in
                        if state.distinct == count || state.stopped || Task.isCancelled { return state.last }
                        state.waiter = continuation
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            } onCancel: {
                self.stop()
            }
        }

        var isStopped: Bool { state.withLock { $0.stopped } }

        /// Ends a wait for deliveries early (the consumer stopped).
        func stop() {
            let (waiter, last) = state.withLock { state in
                state.stopped = true
                let waiter = state.waiter
                state.waiter = nil
                return (waiter, state.last)
            }
            waiter?.resume(returning: last)
        }

        /// Messages delivered, deliveries beyond the first, and each message's first arrival.
        func snapshot() -> (Int, Int, [ContinuousClock.Instant?]) {
            state.withLock { ($0.distinct, $0.duplicates, $0.arrivals) }
        }
    }
}
