import ChronicleTesting
import Foundation
import Testing

@_spi(Implementing) @testable import Chronicle

/// The signal that wakes waiters when this process commits, and the wait for
/// appends built on it: a commit it reports ends the wait without a read.
@Suite("Append signal")
struct AppendSignalTests {
    /// An in-memory store that counts complete-position reads (its reads are never held here).
    typealias CountingStore = MemberLogReaderTests.GatedStore

    /// Appends `count` events to one stream of `store`.
    static func append(_ count: Int, to store: some EventStore) async throws {
        let events = (0..<count).map { _ in NewEvent(type: "Noted", data: Data("{}".utf8)) }
        try await store.append(events, to: try StreamName("note-1"), expecting: .any)
    }

    @Test("a wait with no signal ends at its timeout")
    func timesOut() async throws {
        let signal = AppendSignal()
        let started = ContinuousClock.now
        try await signal.wait(after: signal.generation, timeout: .milliseconds(30))
        #expect(ContinuousClock.now - started >= .milliseconds(30))
        #expect(signal.generation == 0)
    }

    @Test("a signal wakes every waiter long before its timeout")
    func signalWakes() async throws {
        let signal = AppendSignal()
        let seen = signal.generation
        let waiters = (0..<8).map { _ in Task { try await signal.wait(after: seen, timeout: .seconds(600)) } }
        signal.signal()
        try await withDeadline(seconds: 60, "the waiters wake") {
            for waiter in waiters { try await waiter.value }
        }
        // A wait that starts after the signal, with the old generation, returns at once.
        try await withDeadline(seconds: 60, "a late waiter returns") {
            try await signal.wait(after: seen, timeout: .seconds(600))
        }
    }

    @Test("cancelling a waiting task ends its wait with CancellationError")
    func cancelling() async throws {
        let signal = AppendSignal()
        let waiter = Task { try await signal.wait(after: signal.generation, timeout: .seconds(600)) }
        waiter.cancel()
        _ = try await withDeadline(seconds: 60, "the cancelled waiter returns") {
            await #expect(throws: CancellationError.self) { try await waiter.value }
        }
    }

    @Test("the committed position is the highest reported, and only by a signal that reports them")
    func committedPosition() {
        let reporting = AppendSignal(reportsCompletePositions: true)
        reporting.signal(committed: 7)
        reporting.signal(committed: 5)
        reporting.signal()
        #expect(reporting.committed == 7)
        #expect(reporting.generation == 3)

        let silent = AppendSignal()
        silent.signal(committed: 7)
        #expect(silent.committed == .none)
    }

    @Test("a commit the signal reported past the position ends the wait without reading the store")
    func reportedCommitNeedsNoRead() async throws {
        let store = CountingStore()
        try await Self.append(3, to: store)
        let signal = AppendSignal(reportsCompletePositions: true)
        signal.signal(committed: 3)
        try await store.pollForAppends(after: 2, signal: signal)
        #expect(store.completeReads.withLock { $0 } == 0)

        // A signal that reports nothing leaves the read to the store, at once.
        try await store.pollForAppends(after: 2, signal: AppendSignal())
        #expect(store.completeReads.withLock { $0 } == 1)
    }

    @Test("an append the signal did not report (another process's) is found by the first poll")
    func unreportedAppendIsPolled() async throws {
        let store = CountingStore()
        let signal = AppendSignal(reportsCompletePositions: true)
        try await Self.append(2, to: store)  // as if by another process: never signalled
        try await withDeadline(seconds: 60, "the poll finds the append") {
            try await store.pollForAppends(after: 1, signal: signal, maximumDelay: .milliseconds(20))
        }
        #expect(store.completeReads.withLock { $0 } == 1)
    }

    @Test("a waiter caught up at the head wakes on the next reported commit, trusting it over the store")
    func waiterWakesOnReportedCommit() async throws {
        let store = CountingStore()
        let signal = AppendSignal(reportsCompletePositions: true)
        try await Self.append(1, to: store)
        signal.signal(committed: 1)
        let waiter = Task { try await store.pollForAppends(after: 1, signal: signal, maximumDelay: .milliseconds(5)) }
        // The store still says 1: only the reported commit can end the wait.
        signal.signal(committed: 2)
        try await withDeadline(seconds: 60, "the waiter wakes") { try await waiter.value }
    }

    /// Streams of `orders` in partition 0 of 4, and one stream by name.
    static let interest = AppendInterest(categories: ["orders"], streams: [try! StreamName("$redeliver-g")]) { stream in
        MessagePartitioning.partition(of: stream, count: 4) == 0
    }

    /// A stream of `orders` in partition `partition` of 4.
    static func order(inPartition partition: Int) throws -> StreamName {
        try (0..<1_000).lazy.map { try StreamName("orders-k\($0)") }
            .first { MessagePartitioning.partition(of: $0, count: 4) == partition }!
    }

    @Test("a waiter with an interest sleeps through other commits and wakes on one that matters")
    func interestWakesOnlyForWhatMatters() async throws {
        let signal = AppendSignal(reportsCompletePositions: true)
        let woke = Locked(false)
        let seen = signal.generation
        let waiter = Task {
            try await signal.wait(after: seen, matching: Self.interest, timeout: .seconds(600))
            woke.withLock { $0 = true }
        }
        // Another partition, another category: neither wakes it.
        signal.signal(committed: 1, streams: [try Self.order(inPartition: 1)])
        signal.signal(committed: 2, streams: [try StreamName("payments-k1")])
        try await Task.sleep(for: .milliseconds(50))
        #expect(!woke.withLock { $0 })
        signal.signal(committed: 3, streams: [try Self.order(inPartition: 0)])
        try await withDeadline(seconds: 60, "the matching commit wakes it") { try await waiter.value }
        #expect(woke.withLock { $0 })
    }

    @Test("a stream named in the interest wakes it, whatever its partition")
    func namedStreamWakes() async throws {
        let signal = AppendSignal(reportsCompletePositions: true)
        let seen = signal.generation
        let waiter = Task { try await signal.wait(after: seen, matching: Self.interest, timeout: .seconds(600)) }
        signal.signal(committed: 1, streams: [try StreamName("$redeliver-g")])
        try await withDeadline(seconds: 60, "the named stream wakes it") { try await waiter.value }
    }

    @Test("a matching commit between the look and the wait is not missed")
    func commitBeforeTheWaitIsNotMissed() async throws {
        let signal = AppendSignal(reportsCompletePositions: true)
        signal.signal(committed: 5, streams: [try Self.order(inPartition: 0)])
        let (generation, matched) = signal.look(after: 5, matching: Self.interest)
        #expect(!matched, "nothing after position 5")
        #expect(signal.look(after: 4, matching: Self.interest).matched, "the commit at 5 passed 4 and matters")
        signal.signal(committed: 6, streams: [try StreamName("payments-k1")])
        #expect(!signal.look(after: 5, matching: Self.interest).matched, "the commit at 6 does not matter")
        signal.signal(committed: 7, streams: [try Self.order(inPartition: 0)])
        try await withDeadline(seconds: 60, "the wait returns at once") {
            try await signal.wait(after: generation, matching: Self.interest, timeout: .seconds(600))
        }
    }

    @Test("commits too old to be remembered count as matching")
    func forgottenCommitsMatch() throws {
        let signal = AppendSignal(reportsCompletePositions: true)
        for position in 1...Int64(AppendSignal.historyLength + 1) {
            signal.signal(committed: GlobalPosition(position), streams: [try StreamName("payments-k1")])
        }
        #expect(signal.look(after: 0, matching: Self.interest).matched, "the first commit was forgotten: cannot tell")
        #expect(!signal.look(after: 1, matching: Self.interest).matched, "every later one is remembered and does not matter")
    }

    @Test("a wait for what matters returns at its deadline, appends or not")
    func deadlineEndsTheWait() async throws {
        let store = CountingStore()
        let started = ContinuousClock.now
        try await store.base.waitForAppends(
            after: .none, matching: Self.interest, until: started + .milliseconds(30))
        #expect(ContinuousClock.now - started >= .milliseconds(30))
    }
}
