/// Coalesces concurrent calls into batches: one caller at a time is the
/// *leader*, writes its own request together with every request waiting at
/// that moment, hands each waiting caller its own outcome, and passes the
/// lead to the oldest request that arrived meanwhile. A call that finds no
/// leader leads at once, so an uncontended call costs no hop and no wait.
///
/// **Gathering.** When a batch's callers get their outcomes they usually call
/// again at once, but the first of them to arrive would lead a batch of one
/// while the rest queue behind it, and batches would alternate small and
/// large. So a leader that finds fewer requests waiting than the previous
/// batch held yields to the other tasks ready to run (at most
/// `maximumGatheringYields` times, and only while each yield brought more
/// requests) before it takes the batch. It never sleeps: a caller alone, or
/// after a batch of one, leads at once.
///
/// The store decides what a batch is (one transaction, each request with its
/// own outcome); this type only decides who writes what, and when.
///
/// ```swift
/// let queue = GroupCommitQueue<Request, [AppendResult]>(maximumBatch: 512) { requests in
///     await write(requests)   // one outcome per request, in order
/// }
/// let results = try await queue.submit(request)
/// ```
package final class GroupCommitQueue<Request: Sendable, Output: Sendable>: Sendable {
    package typealias Outcome = Result<Output, any Error>

    private enum Turn: Sendable {
        case done(Outcome)
        case lead
    }

    private struct Waiter: Sendable {
        let request: Request
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var leading = false
        var waiting: [Waiter] = []
        var statistics = Statistics()
        /// How many requests the last batch took.
        var lastBatch = 0
    }

    /// How much coalescing happened, for tests and diagnostics.
    package struct Statistics: Hashable, Sendable {
        /// Batches written (including batches of one).
        package var batches = 0
        /// Requests written in them.
        package var requests = 0
        /// The largest batch.
        package var largestBatch = 0
    }

    /// The most times a leader yields to let the previous batch's callers call again.
    static var maximumGatheringYields: Int { 4 }

    private let state = Locked(State())
    private let maximumBatch: Int
    private let weight: @Sendable (Request) -> Int
    private let maximumWeight: Int
    private let write: @Sendable ([Request]) async -> [Outcome]

    /// - Parameters:
    ///   - maximumBatch: The most requests one batch takes.
    ///   - maximumWeight: The most total weight (events, say) one batch takes.
    ///   - weight: A request's weight.
    ///   - write: Writes a batch and returns one outcome per request, in order.
    package init(
        maximumBatch: Int, maximumWeight: Int = .max, weight: @escaping @Sendable (Request) -> Int = { _ in 1 },
        write: @escaping @Sendable ([Request]) async -> [Outcome]
    ) {
        self.maximumBatch = maximumBatch
        self.maximumWeight = maximumWeight
        self.weight = weight
        self.write = write
    }

    /// The batches so far.
    package var statistics: Statistics { state.withLock { $0.statistics } }

    /// How many requests wait for a leader to take them.
    package var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Writes `request`, alone or with others, and returns its own outcome.
    package func submit(_ request: Request) async throws -> Output {
        let leadsNow = state.withLock { state -> Bool in
            if state.leading { return false }
            state.leading = true
            return true
        }
        if !leadsNow {
            let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                let leadsAfterAll = state.withLock { state -> Bool in
                    if !state.leading {
                        state.leading = true
                        return true
                    }
                    state.waiting.append(Waiter(request: request, continuation: continuation))
                    return false
                }
                if leadsAfterAll { continuation.resume(returning: .lead) }
            }
            if case .done(let outcome) = turn { return try outcome.get() }
        }
        return try await lead(request)
    }

    private func lead(_ own: Request) async throws -> Output {
        await gather()
        let followers = state.withLock { state -> [Waiter] in
            var total = weight(own)
            var count = 0
            while count < state.waiting.count, count < maximumBatch - 1 {
                total += weight(state.waiting[count].request)
                if total > maximumWeight { break }
                count += 1
            }
            defer { state.waiting.removeFirst(count) }
            state.lastBatch = count + 1
            state.statistics.batches += 1
            state.statistics.requests += count + 1
            state.statistics.largestBatch = max(state.statistics.largestBatch, count + 1)
            return Array(state.waiting.prefix(count))
        }
        let outcomes = await write([own] + followers.map(\.request))
        for (follower, outcome) in zip(followers, outcomes.dropFirst()) {
            follower.continuation.resume(returning: .done(outcome))
        }
        let next = state.withLock { state -> Waiter? in
            if state.waiting.isEmpty {
                state.leading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return try outcomes[0].get()
    }

    /// Yields while fewer requests wait than the last batch took and each
    /// yield brings more (see the type's documentation).
    private func gather() async {
        var before = -1
        for _ in 0..<Self.maximumGatheringYields {
            let (waiting, last) = state.withLock { ($0.waiting.count, $0.lastBatch) }
            guard waiting + 1 < last, waiting > before else { return }
            before = waiting
            await Task.yield()
        }
    }
}
