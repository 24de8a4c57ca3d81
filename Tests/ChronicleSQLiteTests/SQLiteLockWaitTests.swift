import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// Appends that wait for another process's write lock wait off Swift's
/// cooperative thread pool: the rest of the process keeps running meanwhile.
@Suite("SQLite lock waits and the cooperative pool", .serialized)
struct SQLiteLockWaitTests {
    /// Other processes hold the write lock for 3 s while, in a process of its
    /// own (`append-beside-lock`), 16 tasks append and a timer task ticks every
    /// 10 ms: no tick is more than 250 ms late, and every append lands after the
    /// lock was let go, at the positions that follow each other.
    ///
    /// The appending process runs nothing else, so a late tick means its own
    /// threads were parked, not that another test's were. With one file, 16
    /// tasks append to it. With two files, each locked by a process of its own,
    /// 8 tasks append to each: with waits on the calling thread that parks both
    /// threads of a 2-core machine's cooperative pool (one group-commit leader
    /// per store waits), and the ticks stop for the 3 s the lock is held. Measured
    /// in that process at a load average of 9.5 on 2 cores: 15-50 ms late; the
    /// bound leaves room for a loaded CI machine and stays far below the 3 s.
    @Test(.tags(.processes), .timeLimit(.minutes(2)), arguments: [1, 2])
    func appendsWaitingForAnotherProcessesLockLeaveTheCooperativePoolFree(files: Int) async throws {
        let directory = try TemporaryDirectory()
        let paths = (0..<files).map { directory.path("locked-\($0).sqlite") }
        for path in paths { try await SQLiteEventStore(path: path).close() }

        let appender = try RunningHelper(
            ["append-beside-lock", "--tasks", "16"] + paths.flatMap { ["--store", $0] })
        var appended = appender.lines.makeAsyncIterator()
        let opened = await appended.next()
        try #require(opened == "opened", "the appender did not open the stores: \(appender.standardError)")

        var holders: [(process: RunningHelper, lines: AsyncStream<String>.AsyncIterator)] = []
        for path in paths {
            let holder = try RunningHelper(["hold-write-lock", "--store", path, "--seconds", "3"])
            var lines = holder.lines.makeAsyncIterator()
            let holding = await lines.next()
            try #require(holding == "holding", "the helper did not take the lock: \(holder.standardError)")
            holders.append((holder, lines))
        }
        try appender.send("go")

        var output: [String] = []
        while let line = await appended.next(), line != "done" { output.append(line) }
        #expect(await appender.wait() == 0, "\(appender.standardError)")

        var released: [Int64] = []
        for index in holders.indices {
            let line = try #require(await holders[index].lines.next(), "\(holders[index].process.standardError)")
            let fields = line.split(separator: " ")
            try #require(fields.count == 2 && fields[0] == "releasing", "unexpected line \(line)")
            released.append(try #require(Int64(fields[1])))
            #expect(await holders[index].process.wait() == 0, "\(holders[index].process.standardError)")
        }

        let late = try #require(output.first.flatMap { line in
            line.hasPrefix("late ") ? Int64(line.dropFirst(5)) : nil
        }, "no 'late' line: \(output) \(appender.standardError)")
        #expect(
            Duration.nanoseconds(late) < .milliseconds(250),
            "a tick was \(Duration.nanoseconds(late)) late: a cooperative thread was parked")
        let appends = output.dropFirst().map { $0.split(separator: " ").dropFirst().compactMap { Int64($0) } }
        #expect(appends.count == 16 && appends.allSatisfy { $0.count == 4 }, "\(output)")
        for file in 0..<files {
            let positions = appends.filter { $0[0] == Int64(file) }.flatMap { Array($0[1]...$0[2]) }
            #expect(positions.sorted() == Array(1...Int64(16 / files)))
            let store = try await SQLiteEventStore(path: paths[file])
            #expect(try await store.headPosition() == GlobalPosition(Int64(16 / files)))
            try store.close()
        }
        for append in appends {
            #expect(append[3] > released[Int(append[0])], "an append was acknowledged before the lock was released")
        }
    }
}
