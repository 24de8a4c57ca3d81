/// The log as the partition workers of one member read it: each page and each
/// complete position read once for all of them.
///
/// Every partition of a group follows the same lanes (its topics and the
/// redelivery stream) and keeps only its own messages, so the workers of one
/// member that follow the head read the same pages: woken by one commit, eight
/// partitions would read the complete position and the same page eight times.
/// Here the first worker to ask reads, and the others that ask for the same
/// page, or for a complete position no older than they need, share its result
/// (also while the read is in flight). A worker that has fallen behind the
/// others asks for pages no longer kept and reads them itself.
///
/// Sharing keeps the visibility rule: a page holds only positions at or below
/// a complete position the store reported, and complete positions only grow,
/// so a page read under another worker's complete position is complete too.
final class MemberLogReader: Sendable {
    /// A page of a lane: its records at or below the complete position it was
    /// read under, and how far the lane is read with it.
    struct Page: Sendable {
        let records: [EventRecord]
        let through: GlobalPosition
    }

    private struct Key: Hashable {
        let lane: String
        let from: GlobalPosition
    }

    private struct State {
        var pages: [Key: Task<Page, any Error>] = [:]
        /// The keys of `pages`, oldest first.
        var order: [Key] = []
        var complete: (task: Task<GlobalPosition, any Error>, started: ContinuousClock.Instant)?
    }

    private let store: any EventStore
    private let limit: Int
    private let capacity: Int
    private let state = Locked(State())

    /// - Parameters:
    ///   - store: The log.
    ///   - limit: The most records a page holds (the group's batch size).
    ///   - capacity: How many pages are kept for workers that ask later.
    init(store: any EventStore, limit: Int, capacity: Int = 32) {
        self.store = store
        self.limit = limit
        self.capacity = capacity
    }

    /// The store's complete position, read at or after `earliest` (by this
    /// caller or another).
    func completePosition(readAtOrAfter earliest: ContinuousClock.Instant) async throws -> GlobalPosition {
        let store = store
        let task = state.withLock { state -> Task<GlobalPosition, any Error> in
            if let current = state.complete, current.started >= earliest { return current.task }
            let started = ContinuousClock.now
            let task = Task { try await store.completePosition() }
            state.complete = (task, started)
            return task
        }
        return try await task.value
    }

    /// The page of `lane` that starts after `read`: its records of every
    /// partition at or below `complete` (or below the complete position of the
    /// worker that read it first), at most the batch size of them.
    func page(of lane: PartitionLane, after read: GlobalPosition, complete: GlobalPosition) async throws -> Page {
        let key = Key(lane: lane.topic, from: read.next)
        let (store, limit, filter) = (store, limit, lane.filter)
        let task = state.withLock { state -> Task<Page, any Error> in
            if let kept = state.pages[key] { return kept }
            let task = Task {
                let page = try await store.readAll(from: key.from, limit: limit, filter: filter)
                let deliverable = Array(page.prefix { $0.position <= complete })
                let full = deliverable.count == limit
                return Page(records: deliverable, through: full ? deliverable[deliverable.count - 1].position : complete)
            }
            state.pages[key] = task
            state.order.append(key)
            if state.order.count > capacity {
                state.pages[state.order.removeFirst()] = nil
            }
            return task
        }
        do {
            return try await task.value
        } catch {
            // Not kept: the next worker to ask reads again.
            state.withLock { state in
                guard state.pages[key] == task else { return }
                state.pages[key] = nil
                state.order.removeAll { $0 == key }
            }
            throw error
        }
    }
}
