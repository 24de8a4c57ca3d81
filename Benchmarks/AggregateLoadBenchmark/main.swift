// Loads an aggregate of 1,000 small events from a SQLite store, with and without
// a snapshot at version 1,000, and prints median timings.
//
//   swift run -c release AggregateLoadBenchmark [iterations]
//
// Every event carries the metadata the repository writes (correlation and
// causation ids), as events appended through AggregateRepository do.

import Chronicle
import ChronicleSQLite
import Foundation

struct Incremented: DomainEvent {
    static let eventType = "Incremented"
    var by: Int
}

struct Counter: Aggregate, Codable {
    static let category = "counter"
    static let handlers = EventHandlers<Counter>()
        .on(Incremented.self) { counter, event in
            counter.value += event.by
            counter.count += 1
        }

    let id: String
    var value = 0
    var count = 0

    init(id: String) { self.id = id }
}

/// Runs `body` `iterations` times after a warm-up; returns the sorted durations in milliseconds.
func measure(_ iterations: Int, _ body: () async throws -> Void) async throws -> [Double] {
    for _ in 0..<max(5, iterations / 10) { try await body() }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let elapsed = try await clock.measure { try await body() }
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    return samples.sorted()
}

func report(_ name: String, _ samples: [Double]) {
    func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
    let line = [
        name.padding(toLength: 44, withPad: " ", startingAt: 0),
        String(format: "median %8.3f ms", percentile(0.5)),
        String(format: "p90 %8.3f ms", percentile(0.9)),
        String(format: "min %8.3f ms", samples[0]),
    ].joined(separator: "  ")
    print(line)
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 300
let eventCount = 1_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

let store = try await SQLiteEventStore(path: directory.appendingPathComponent("bench.sqlite").path)
let snapshots = SQLiteSnapshotStore(store)
let plain = try AggregateRepository<Counter>(store: store)
let withSnapshots = try AggregateRepository<Counter>(store: store, snapshots: snapshots, policy: .never)

// 1,000 events in batches of 100, with repository-style metadata.
let stream = try Counter.streamName(for: "bench")
let context = CommandContext(correlationId: UUID().uuidString)
for batch in 0..<(eventCount / 100) {
    let events = try (0..<100).map { _ in
        try plain.registry.encode(Incremented(by: 1), metadata: context.eventMetadata)
    }
    try await store.append(events, to: stream, expecting: .exactly(Int64(batch * 100)))
}
let check = try await plain.load("bench")
precondition(check.version == Int64(eventCount) && check.state.value == eventCount)
try await withSnapshots.saveSnapshot(of: "bench")
let snapshotVersion = try await snapshots.latestSnapshot(for: stream)?.version
precondition(snapshotVersion == Int64(eventCount))

print("Aggregate load benchmark: \(eventCount) events of \(check.state.count) x {\"by\":1}, \(iterations) iterations")
let records = try await store.readStream(stream, from: 1, direction: .forward, limit: eventCount)
report("SQLite readStream (1,000 records)", try await measure(iterations) {
    _ = try await store.readStream(stream, from: 1, direction: .forward, limit: eventCount)
})
report("decode + apply 1,000 records (no I/O)", try await measure(iterations) {
    var counter = Counter(id: "bench")
    try Counter.handlers.replay(records, onto: &counter, registry: plain.registry)
})
report("load, full replay of 1,000 events", try await measure(iterations) {
    _ = try await plain.load("bench")
})
report("load, snapshot at 1,000 (empty tail)", try await measure(iterations) {
    _ = try await withSnapshots.load("bench")
})
try store.close()
