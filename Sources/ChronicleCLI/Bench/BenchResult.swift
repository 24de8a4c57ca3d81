internal import Foundation

/// What one workload of `chronicle bench` measured.
struct BenchResult: Sendable {
    /// The workload.
    let workload: BenchWorkload
    /// Events written, read or delivered in the timed part.
    let events: Int
    /// Wall time of the timed part, in seconds.
    let seconds: Double
    /// Processor time the process used in the timed part (all threads), in seconds.
    let cpuSeconds: Double
    /// Per-operation times in milliseconds (an append, a load, a delivery, a page or batch).
    let samples: BenchSamples

    /// Events per second over the whole timed part.
    var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    /// The headline time in milliseconds: the whole run for the workloads that are
    /// one long operation (replay, rebuild), else the median operation.
    var milliseconds: Double { workload.timesWholeRun ? seconds * 1_000 : samples.percentile(0.5) }
}

/// Measures the timed part of a workload: wall time and the process's processor time.
struct BenchTimer {
    let start = ContinuousClock.now
    let startCPU = BenchTimer.processorSeconds()

    /// Wall and processor seconds since the timer started.
    func elapsed() -> (seconds: Double, cpuSeconds: Double) {
        (BenchClock.seconds(from: start, to: .now), Self.processorSeconds() - startCPU)
    }

    /// User plus system time of the whole process.
    static func processorSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Durations of operations, in milliseconds.
struct BenchSamples: Sendable {
    private(set) var values: [Double] = []
    private var sorted = true

    init(capacity: Int = 0) { values.reserveCapacity(capacity) }

    /// Records the time since `start`.
    mutating func record(since start: ContinuousClock.Instant) {
        append(BenchClock.milliseconds(from: start, to: .now))
    }

    mutating func append(_ milliseconds: Double) {
        values.append(milliseconds)
        sorted = false
    }

    var count: Int { values.count }

    /// The value below which a fraction `p` of the samples fall (nearest rank).
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let ordered = sorted ? values : values.sorted()
        let rank = Int((p * Double(ordered.count)).rounded(.up)) - 1
        return ordered[min(max(rank, 0), ordered.count - 1)]
    }
}

/// Time arithmetic for the bench.
enum BenchClock {
    static func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let duration = start.duration(to: end)
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        seconds(from: start, to: end) * 1_000
    }
}
