import Chronicle
import ChronicleSQLite
import Foundation

/// `append-beside-lock --store PATH [--store PATH ...] --tasks N`: the measured
/// half of the lock-wait test, in a process where nothing else runs.
///
/// Opens every store and prints "opened", then waits for a line on standard
/// input (the test sends one once other processes hold the files' write locks).
/// Then N tasks each append one event to a stream of their own (`waiter-<i>`,
/// task i to store i modulo the number of stores) while a timer task sleeps
/// 10 ms at a time. When every append has been acknowledged it prints
/// "late <ns>": the most a tick was late, "append <store index> <first
/// position> <last position> <unix time in ns>" per append, and "done".
///
/// An append that waited for the lock on a thread of Swift's cooperative pool
/// would park that thread for as long as the other process holds the lock; with
/// as many stores as the pool has threads (one group-commit leader each), the
/// ticks stop for that long.
enum AppendBesideLockCommand {
    static func run() async throws {
        let paths = allArguments("--store")
        guard !paths.isEmpty else { fail("missing --store") }
        guard let tasks = Int(requiredArgument("--tasks")), tasks > 0 else { fail("bad --tasks") }
        var stores: [SQLiteEventStore] = []
        for path in paths { stores.append(try await SQLiteEventStore(path: path)) }
        emit("opened")
        guard readLine() != nil else { fail("standard input closed before the start") }

        let ticker = Task { () -> Duration in
            let clock = ContinuousClock()
            var latest = Duration.zero
            var last = clock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                let now = clock.now
                latest = max(latest, now - last - .milliseconds(10))
                last = now
            }
            return latest
        }
        let appends = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<tasks {
                let file = index % stores.count
                let store = stores[file]
                group.addTask {
                    let result = try await store.append(
                        [NewEvent(type: "Waited", data: Data("{}".utf8))], to: try StreamName("waiter-\(index)"),
                        expecting: .noStream)
                    let finished = unixNanoseconds()
                    guard let positions = result.positions else { fail("an append of one event stored none") }
                    return "append \(file) \(positions.lowerBound.rawValue) \(positions.upperBound.rawValue) \(finished)"
                }
            }
            var lines: [String] = []
            for try await line in group { lines.append(line) }
            return lines
        }
        ticker.cancel()
        let late = await ticker.value
        emit("late \(late.components.seconds * 1_000_000_000 + late.components.attoseconds / 1_000_000_000)")
        for line in appends { emit(line) }
        for store in stores { try store.close() }
        emit("done")
    }
}
