import Dispatch
import Testing

@testable import Chronicle
import ChronicleTesting

/// How the group-commit queue forms batches, on a serial executor so that the
/// order in which tasks run is fixed.
@Suite("Group commit queue")
struct GroupCommitQueueTests {
    /// Records the size of every batch written.
    final class Batches: Sendable {
        let sizes = Locked<[Int]>([])
        let gate = Locked<CheckedContinuation<Void, Never>?>(nil)
        let holdFirst = Locked(true)

        /// Writes a batch: the first one waits until ``release()``.
        func write(_ requests: [Int]) async -> [Result<Int, any Error>] {
            sizes.withLock { $0.append(requests.count) }
            if holdFirst.withLock({ held in defer { held = false }; return held }) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            return requests.map { .success($0) }
        }

        var isHolding: Bool { gate.withLock { $0 != nil } }
        func release() { gate.withLock { $0.take() }?.resume() }
    }

    @Test func aLeaderWaitsForThePreviousBatchsCallersToCallAgain() async throws {
        let batches = Batches()
        let queue = GroupCommitQueue<Int, Int>(maximumBatch: 64) { await batches.write($0) }
        // A batch of one, held, and six calls waiting behind it: the next batch takes the six.
        let first = Task { try await queue.submit(0) }
        try await withDeadline(seconds: 60, "the first batch is written") {
            while !batches.isHolding { try await Task.sleep(for: .milliseconds(1)) }
        }
        let waiting = (1...6).map { n in Task { try await queue.submit(n) } }
        try await withDeadline(seconds: 60, "six calls wait") {
            while queue.waitingCount < 6 { try await Task.sleep(for: .milliseconds(1)) }
        }
        batches.release()
        _ = try await first.value
        for task in waiting { _ = try await task.value }
        #expect(batches.sizes.withLock { $0 } == [1, 6])

        // Those six call again, all ready at once on one thread, the first ready
        // one first: it would lead alone; it yields until the other five wait.
        let serial = SerialTestExecutor()
        let again = await Task(executorPreference: serial) {
            (1...6).map { n in Task(executorPreference: serial) { try await queue.submit(n) } }
        }.value
        var outcomes: [Int] = []
        for task in again { outcomes.append(try await task.value) }
        #expect(outcomes == Array(1...6))
        #expect(batches.sizes.withLock { $0 } == [1, 6, 6])
    }

    @Test func aCallerAloneLeadsAtOnce() async throws {
        let batches = Batches()
        batches.holdFirst.withLock { $0 = false }
        let queue = GroupCommitQueue<Int, Int>(maximumBatch: 64) { await batches.write($0) }
        for n in 0..<5 { #expect(try await queue.submit(n) == n) }
        #expect(batches.sizes.withLock { $0 } == [1, 1, 1, 1, 1])
        #expect(queue.statistics.batches == 5)
    }
}

/// Runs its tasks' jobs one at a time, in the order they were enqueued.
final class SerialTestExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "chronicle.tests.serial")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
