internal import Chronicle
internal import Logging

/// Rebuilding an exactly-once projection (the backend's, into a table of the
/// store's own database) over the whole log.
enum BenchProjectionWorkload {
    static func rebuild(_ bench: BenchContext) async throws -> BenchResult {
        let events = bench.count(3_000) * 10
        return try await bench.withFreshStore { opened in
            let store = opened.events
            _ = try await BenchLog.populate(store, orders: events / 10)
            let counter = try bench.backend.eventCounter(on: opened)
            let projection = counter.projection
            // The runner logs a rebuild's start at info level: keep it out of the bench's output.
            let quiet = Logger(label: "chronicle.bench") { _ in SwiftLogNoOpLogHandler() }
            let runner = try ProjectionRunner(
                store: store, projections: [projection], logger: quiet)
            let batches = BatchTimes()
            let timer = BenchTimer()
            try await runner.rebuild(projection.name) { _ in batches.mark() }
            let (seconds, cpuSeconds) = timer.elapsed()
            let counted = try await counter.total()
            guard counted == events else {
                throw CommandError(.failure, "projection-rebuild counted \(counted) events, not \(events)")
            }
            return BenchResult(
                workload: .projectionRebuild, events: events, seconds: seconds, cpuSeconds: cpuSeconds, samples: batches.samples(since: timer.start))
        }
    }

    /// The times at which batches committed.
    final class BatchTimes: Sendable {
        private let marks = Locked<[ContinuousClock.Instant]>([])

        func mark() { marks.withLock { $0.append(.now) } }

        func samples(since start: ContinuousClock.Instant) -> BenchSamples {
            var samples = BenchSamples()
            var previous = start
            for mark in marks.withLock({ $0 }) {
                samples.append(BenchClock.milliseconds(from: previous, to: mark))
                previous = mark
            }
            return samples
        }
    }
}
