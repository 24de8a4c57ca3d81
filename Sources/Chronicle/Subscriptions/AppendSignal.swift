internal import Dispatch

/// Wakes tasks waiting for new events as soon as an append commits in this process.
///
/// Stores own one and call ``signal(committed:)`` after every committed append;
/// their ``EventStore/waitForAppends(after:)`` waits on it. A signal is a hint:
/// the waiter re-reads the complete position, so an early or spurious wake-up
/// costs one read. A store whose commits are complete in position order (one
/// writer at a time: SQLite, the in-memory store) also reports the highest
/// position it committed, and its waiters trust that without a read.
///
/// A store that also says which streams a commit wrote lets waiters with an
/// ``AppendInterest`` (a consumer of one topic partition) sleep through the
/// commits that do not concern them.
///
/// ```swift
/// let signal = AppendSignal(reportsCompletePositions: true)
/// let seen = signal.generation
/// // ... after committing an append that took positions up to 42:
/// signal.signal(committed: 42)
/// // elsewhere:
/// try await signal.wait(after: seen, timeout: .milliseconds(20))
/// ```
@_spi(Implementing) public final class AppendSignal: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
        /// `nil`: every commit wakes it.
        let interest: AppendInterest?
    }

    /// A recent commit: what a waiter that looked before it and waits after it must not miss.
    private struct Commit {
        let generation: UInt64
        let last: GlobalPosition
        /// The streams written; `nil`: not told (every interest matches).
        let streams: [StreamName]?

        func matches(_ interest: AppendInterest) -> Bool { streams.map(interest.matches) ?? true }
    }

    private struct State {
        var generation: UInt64 = 0
        var committed = GlobalPosition.none
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        /// The last ``historyLength`` commits, oldest first from `historyStart` (a ring).
        var history: [Commit] = []
        var historyStart = 0
        /// The highest generation and position dropped from `history`:
        /// a waiter that needs them is woken, as it cannot tell.
        var droppedGeneration: UInt64 = 0
        var droppedLast = GlobalPosition.none

        /// `history` from the newest commit back.
        var newestFirst: NewestFirst { NewestFirst(history: history, start: historyStart) }
    }

    private struct NewestFirst: Sequence, IteratorProtocol {
        let history: [Commit]
        let start: Int
        var taken = 0

        mutating func next() -> Commit? {
            guard taken < history.count else { return nil }
            taken += 1
            return history[(start - taken + history.count) % history.count]
        }
    }

    /// How many recent commits are kept for waiters that look before they wait.
    ///
    /// A ring: `history` fills up to this many, then each commit replaces the oldest.
    static let historyLength = 64

    private let state = Locked(State())

    /// Whether the store reports committed positions that are complete: every
    /// position at or below one it reports is committed and readable.
    public let reportsCompletePositions: Bool

    /// Creates a signal with no waiters.
    ///
    /// - Parameter reportsCompletePositions: Pass `true` only for a store whose
    ///   appends commit one at a time in position order and that passes each
    ///   commit's highest position to ``signal(committed:)``; waiters
    ///   then skip reading the store when this process's commits answer them.
    public init(reportsCompletePositions: Bool = false) {
        self.reportsCompletePositions = reportsCompletePositions
    }

    /// How many times the signal has fired; pass it to ``wait(after:timeout:)``.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// The highest position reported to ``signal(committed:)`` (`.none` before any).
    public var committed: GlobalPosition { state.withLock { $0.committed } }

    /// Wakes every waiter.
    ///
    /// - Parameter position: The highest position the commit took, when the
    ///   store ``reportsCompletePositions``; `nil` otherwise (an import, a
    ///   notification from another process).
    public func signal(committed position: GlobalPosition? = nil) {
        signal(committed: position, streams: nil)
    }

    /// Wakes the waiters a commit that wrote `streams` matters to (all of them when `streams` is `nil`).
    ///
    /// - Parameters:
    ///   - position: As in ``signal(committed:)``.
    ///   - streams: The streams the commit wrote, when known.
    package func signal(committed position: GlobalPosition?, streams: [StreamName]?) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            if let position, reportsCompletePositions { state.committed = max(state.committed, position) }
            let commit = Commit(generation: state.generation, last: position ?? state.committed, streams: streams)
            if state.history.count < Self.historyLength {
                state.history.append(commit)
            } else {
                let dropped = state.history[state.historyStart]
                state.droppedGeneration = dropped.generation
                state.droppedLast = max(state.droppedLast, dropped.last)
                state.history[state.historyStart] = commit
                state.historyStart = (state.historyStart + 1) % Self.historyLength
            }
            guard !state.waiters.isEmpty else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters where waiter.interest.map(commit.matches) ?? true {
                woken.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// The generation to wait after, and whether a commit reported so far
    /// passed `position` with streams that matter to `interest`.
    ///
    /// - Parameters:
    ///   - position: The last position the waiter has seen.
    ///   - interest: What matters to it.
    /// - Returns: The ``generation`` now, and whether such a commit is known
    ///   (or may have been: one too old to be remembered passed `position`).
    package func look(after position: GlobalPosition, matching interest: AppendInterest) -> (
        generation: UInt64, matched: Bool
    ) {
        state.withLock { state in
            if state.droppedLast > position { return (state.generation, true) }
            // Newest first: most waiters look just behind the head.
            for commit in state.newestFirst {
                // Reported positions only grow; a commit of unknown position is matched by generation instead.
                if commit.last <= position, commit.streams != nil { break }
                if commit.last > position, commit.matches(interest) { return (state.generation, true) }
            }
            return (state.generation, false)
        }
    }

    /// Waits until the signal fires after `generation`, the timeout passes, or
    /// the task is cancelled.
    ///
    /// A wait with a timeout is one continuation and one timer on a dispatch
    /// queue: no task is created for it and no thread is parked.
    ///
    /// - Parameters:
    ///   - generation: The ``generation`` read before checking for new events.
    ///   - timeout: The longest wait.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async throws {
        try await wait(after: generation, matching: nil, timeout: timeout)
    }

    /// ``wait(after:timeout:)`` for the commits that matter to `interest` (`nil`: every one).
    package func wait(after generation: UInt64, matching interest: AppendInterest?, timeout: Duration) async throws {
        let id = state.withLock { state in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if Task.isCancelled || Self.missed(after: generation, interest, in: state) { return true }
                    state.waiters[id] = Waiter(continuation: continuation, interest: interest)
                    return false
                }
                if resumeNow {
                    continuation.resume()
                } else {
                    // Not cancelled when the signal fires first: it then finds no waiter.
                    DispatchQueue.global().asyncAfter(deadline: .now() + max(0, timeout.seconds)) { self.resume(id) }
                }
            }
        } onCancel: {
            resume(id)
        }
        try Task.checkCancellation()
    }

    /// Whether a commit after `generation` that matters happened before the waiter registered.
    private static func missed(after generation: UInt64, _ interest: AppendInterest?, in state: State) -> Bool {
        guard state.generation != generation else { return false }
        guard let interest else { return true }
        if state.droppedGeneration > generation { return true }
        for commit in state.newestFirst {
            guard commit.generation > generation else { break }
            if commit.matches(interest) { return true }
        }
        return false
    }

    /// Resumes one waiter, if it still waits (a timeout, or its task cancelled).
    private func resume(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
    }
}
