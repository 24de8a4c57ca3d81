import Chronicle
import ChronicleSQLite
import Foundation
import Synchronization

/// Runs writers, projections, a subscriber and export/import cycles against
/// one store for a while, watching memory and file descriptors, then checks
/// every invariant. `Scripts/soak.sh MINUTES` builds and runs it.
enum SoakCommand {
    static func run() async throws {
        let path = requiredArgument("--store")
        guard let seconds = argument("--seconds").flatMap(Double.init) else { fail("--seconds needs a number") }
        let writers = argument("--writers").flatMap(Int.init) ?? 4
        let pause = argument("--pause-ms").flatMap(Int.init) ?? 2
        let chronicle = argument("--chronicle")
        let mirrorPath = path + ".mirror.sqlite"

        let store = try await SQLiteEventStore(path: path)
        let counting = KillTestProjection()
        let sequence = SequenceProjection()
        let runner = try ProjectionRunner(
            store: store,
            projections: [
                store.exactlyOnce(counting),
                CheckpointedProjection(
                    sequence, checkpoints: InMemoryCheckpointStore(), deadLetters: InMemoryDeadLetterStore()),
            ], batchSize: 500)
        let subscriber = SubscriberCheck()
        let counters = WriterCounters()
        let problems = Locked<[String]>([])
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = started.duration(to: .now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        let running = Task { try await runner.run() }
        let subscribing = Task { try await subscriber.follow(store) }
        let writing = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<writers {
                    group.addTask {
                        let own = try AppendMix.ownStream(task: task)
                        var mix = try AppendMix(task: task, ownVersion: try await store.streamVersion(own))
                        while !Task.isCancelled {
                            let (_, parts) = try mix.next()
                            let results = try await store.append(parts)
                            mix.committed(results)
                            counters.events.add(parts.reduce(0) { $0 + $1.events.count }, ordering: .relaxed)
                            counters.calls.add(1, ordering: .relaxed)
                            try? await Task.sleep(for: .milliseconds(pause))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        let startFiles = ProcessProbe.openFiles()
        var minuteFiles = startFiles
        var minutePeak = 0
        var cycles = 0
        var nextCycle = 20.0
        emit("soak: \(Int(seconds)) s, \(writers) writers, \(pause) ms between a writer's appends, store \(path)")
        emit("at start: \(ProcessProbe.openFiles()) open files, RSS \(ProcessProbe.memory().current / 1024) MiB")
        while elapsed() < seconds {
            try await Task.sleep(for: .seconds(min(10, max(0.1, seconds - elapsed()))))
            let time = elapsed()
            if minutePeak == 0 && time >= 60 {
                minutePeak = ProcessProbe.memory().peak
                minuteFiles = ProcessProbe.openFiles()
            }
            if let chronicle, time >= nextCycle {
                do {
                    try await MirrorCycle.run(chronicle: chronicle, store: path, mirror: mirrorPath)
                    cycles += 1
                } catch {
                    problems.withLock { $0.append("export/import cycle failed: \(error)") }
                }
                nextCycle = time + 20
            }
            let memory = ProcessProbe.memory()
            let head = try await store.headPosition().rawValue
            let lag = try await runner.status().map { "\($0.name) lag \($0.lag)" }.joined(separator: ", ")
            emit(
                "\(Int(time)) s: \(counters.calls.load(ordering: .relaxed)) appends, head \(head), \(lag), "
                    + "RSS \(memory.current / 1024) MiB (peak \(memory.peak / 1024) MiB), "
                    + "\(ProcessProbe.openFiles()) open files")
        }

        // Stop the load; what remains must catch up to the head.
        writing.cancel()
        do { try await writing.value } catch is CancellationError {}
        let endMemory = ProcessProbe.memory()
        let endFiles = ProcessProbe.openFiles()
        let head = try await store.headPosition()
        try await runner.waitUntilProcessed(head)
        try await subscriber.waitUntil(head.rawValue)
        running.cancel()
        subscribing.cancel()
        try? await running.value
        _ = try? await subscribing.value
        if let chronicle {
            do {
                try await MirrorCycle.run(chronicle: chronicle, store: path, mirror: mirrorPath)
                cycles += 1
            } catch {
                problems.withLock { $0.append("the last export/import cycle failed: \(error)") }
            }
        }

        // Invariants.
        var found = problems.withLock { $0 }
        let log = try await LogInvariants.check(store)
        found += log.problems
        found += try await counting.problems(store: store, head: head.rawValue, streamVersions: log.streamVersions)
        found += sequence.problems(head: head.rawValue)
        found += subscriber.problems(head: head.rawValue)
        if chronicle != nil {
            found += try await MirrorCycle.compare(store: store, mirror: mirrorPath)
        }
        if minutePeak == 0 { minutePeak = endMemory.peak }
        if endFiles > minuteFiles { found.append("open files grew from \(minuteFiles) at 1 minute to \(endFiles)") }

        let events = counters.events.load(ordering: .relaxed)
        emit("---")
        emit(
            "soak: \(Int(elapsed())) s, \(writers) writers: \(counters.calls.load(ordering: .relaxed)) appends, \(events) events "
                + "(\(Int(Double(events) / seconds)) events/s), head \(head.rawValue), \(log.streams) streams, "
                + "\(log.batches) appends checked whole")
        emit(
            "peak RSS: \(minutePeak / 1024) MiB at 1 minute, \(endMemory.peak / 1024) MiB at the end "
                + "(RSS at the end \(endMemory.current / 1024) MiB)")
        emit("open files: \(startFiles) at start, \(minuteFiles) at 1 minute, \(endFiles) at the end")
        emit("export/import cycles: \(cycles)\(chronicle == nil ? " (no --chronicle given)" : ", mirror equals the store")")
        if found.isEmpty {
            emit("invariants: all held (log, stream versions, whole appends, exactly-once and at-least-once projections, subscriber\(chronicle == nil ? "" : ", mirror"))")
        } else {
            for problem in found.prefix(20) { emit("PROBLEM: \(problem)") }
            try store.close()
            exit(1)
        }
        try store.close()
    }
}

/// What the writers did.
final class WriterCounters: Sendable {
    let calls = Atomic<Int>(0)
    let events = Atomic<Int>(0)
}

/// The process's memory and open files, from /proc.
enum ProcessProbe {
    /// Resident set size now and at its peak, in KiB.
    static func memory() -> (current: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }

    /// How many file descriptors are open.
    static func openFiles() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 1) - 1
    }
}

/// An at-least-once projection that must see positions 1, 2, 3, … in order
/// within one process (it starts from an empty in-memory checkpoint).
final class SequenceProjection: Projection, Sendable {
    let name = "soak-sequence"
    private let state = Locked<(last: Int64, count: Int64, problems: [String])>((0, 0, []))

    func apply(_ event: EventRecord) async throws {
        state.withLock { state in
            if event.position.rawValue != state.last + 1 && state.problems.count < 10 {
                state.problems.append("the at-least-once projection got \(event.position) after \(state.last)")
            }
            state.last = event.position.rawValue
            state.count += 1
        }
    }

    func reset() async throws { state.withLock { $0 = (0, 0, []) } }

    func problems(head: Int64) -> [String] {
        state.withLock { state in
            state.problems + (state.count == head ? [] : ["the at-least-once projection saw \(state.count) of \(head) events"])
        }
    }
}

/// A live subscriber from the start: positions must come contiguous and in order.
final class SubscriberCheck: Sendable {
    private let state = Locked<(last: Int64, problems: [String])>((0, []))

    func follow(_ store: SQLiteEventStore) async throws {
        for try await batch in store.subscribe(from: .start, batchSize: 500) {
            state.withLock { state in
                for event in batch.events {
                    if event.position.rawValue != state.last + 1 && state.problems.count < 10 {
                        state.problems.append("the subscriber got \(event.position) after \(state.last)")
                    }
                    state.last = event.position.rawValue
                }
            }
        }
    }

    func waitUntil(_ head: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while state.withLock({ $0.last }) < head {
            guard ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func problems(head: Int64) -> [String] {
        state.withLock { state in
            state.problems + (state.last == head ? [] : ["the subscriber reached \(state.last), the head is \(head)"])
        }
    }
}

extension KillTestProjection {
    /// Its counts against the log: every event counted exactly once.
    func problems(store: SQLiteEventStore, head: Int64, streamVersions: [String: Int64]) async throws -> [String] {
        let (streams, total, sum) = try DatabaseQueueReader(path: store.path).counts()
        var problems: [String] = []
        if total != head || sum != head * (head + 1) / 2 {
            problems.append("the exactly-once projection counted \(total) events (position sum \(sum)) of \(head)")
        }
        if streams != streamVersions {
            problems.append("the exactly-once projection's per-stream counts differ from the log")
        }
        return problems
    }
}
