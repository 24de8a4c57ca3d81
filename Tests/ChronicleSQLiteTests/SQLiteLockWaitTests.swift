import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

/// Appends that wait for another process's write lock wait off Swift's
/// cooperative thread pool: the rest of the process keeps running meanwhile.
@Suite("SQLite lock waits and the cooperative pool", .serialized)
struct SQLiteLockWaitTests {
    /// Another process holds the write lock for 2 s while 16 tasks append and a
    /// timer task ticks every 10 ms: no tick is late by more than 100 ms, and every
    /// append lands after the other process let the lock go, at the positions
    /// that follow each other.
    ///
    /// With one store file, 16 tasks append to it. With two files, each locked by
    /// a process of its own, 8 tasks append to each: with waits on the calling
    /// thread that parks both threads of a 2-core machine's cooperative pool (one
    /// group-commit leader per store waits), and a tick was 2 s late.
    @Test(.tags(.processes), .timeLimit(.minutes(2)), arguments: [1, 2])
    func appendsWaitingForAnotherProcessesLockLeaveTheCooperativePoolFree(files: Int) async throws {
        let directory = try TemporaryDirectory()
        let paths = (0..<files).map { directory.path("locked-\($0).sqlite") }
        var stores: [SQLiteEventStore] = []
        for path in paths { stores.append(try await SQLiteEventStore(path: path)) }

        var holders: [(process: RunningHelper, lines: AsyncStream<String>.AsyncIterator)] = []
        for path in paths {
            let holder = try RunningHelper(["hold-write-lock", "--store", path, "--seconds", "2"])
            var lines = holder.lines.makeAsyncIterator()
            let holding = await lines.next()
            try #require(holding == "holding", "the helper did not take the lock: \(holder.standardError)")
            holders.append((holder, lines))
        }

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
        let appends = try await withThrowingTaskGroup(of: (file: Int, result: AppendResult, finished: Date).self) {
            group in
            for index in 0..<16 {
                let file = index % files
                let store = stores[file]
                group.addTask {
                    let result = try await store.append(
                        [NewEvent(type: "Waited", data: Data("{}".utf8))], to: try StreamName("waiter-\(index)"),
                        expecting: .noStream)
                    return (file, result, Date())
                }
            }
            var appends: [(file: Int, result: AppendResult, finished: Date)] = []
            for try await append in group { appends.append(append) }
            return appends
        }
        ticker.cancel()
        let latestTick = await ticker.value

        var released: [Date] = []
        for index in holders.indices {
            let line = try #require(await holders[index].lines.next(), "\(holders[index].process.standardError)")
            let fields = line.split(separator: " ")
            try #require(fields.count == 2 && fields[0] == "releasing", "unexpected line \(line)")
            released.append(Date(timeIntervalSince1970: Double(try #require(Int64(fields[1]))) / 1e9))
            #expect(await holders[index].process.wait() == 0, "\(holders[index].process.standardError)")
        }

        #expect(latestTick < .milliseconds(100), "a tick was \(latestTick) late: a cooperative thread was parked")
        #expect(appends.count == 16)
        for file in 0..<files {
            let positions = appends.filter { $0.file == file }.flatMap { append in
                append.result.positions.map { Array($0.lowerBound.rawValue...$0.upperBound.rawValue) } ?? []
            }
            #expect(positions.sorted() == Array(1...Int64(16 / files)))
            #expect(try await stores[file].headPosition() == GlobalPosition(Int64(16 / files)))
        }
        for append in appends {
            #expect(
                append.finished > released[append.file],
                "\(append.result.stream) was acknowledged before the lock was released")
        }
        for store in stores { try store.close() }
    }
}
