/// The global log from a position: its history in batches, then new events as
/// they are appended, for as long as the consuming task runs.
///
/// Catch-up and live delivery are one loop: read the store's complete position
/// (``EventStore/completePosition()``), then a batch after the last position
/// delivered, keeping only events at or below the complete position; when there
/// is nothing new, wait for the store to signal an append (in-process appends wake it at once; the SQLite store also notices
/// other processes within tens of milliseconds). Every matching event is
/// delivered once, in position order, with no gap at the hand-over from history
/// to live, and none behind a writer that commits a lower position after a
/// higher one (the subscription never moves past a position still in flight). Cancelling the consuming task ends the sequence (`next()` returns
/// `nil`).
///
/// ```swift
/// let subscription = store.subscribe(from: .start, filter: EventFilter(categories: ["order"]))
/// for try await batch in subscription {
///     for event in batch.events { print(event.position, event.type) }
/// }
/// ```
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = SubscriptionBatch

    let store: any EventStore
    let start: GlobalPosition
    let filter: EventFilter
    let batchSize: Int

    init(store: any EventStore, from start: GlobalPosition, filter: EventFilter, batchSize: Int) {
        self.store = store
        self.start = Swift.max(start, .start)
        self.filter = filter
        self.batchSize = Swift.max(1, batchSize)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, next: start, filter: filter, batchSize: batchSize)
    }

    /// The events one by one instead of in batches.
    ///
    /// ```swift
    /// for try await event in store.subscribe(from: .start).events { print(event.type) }
    /// ```
    public var events: Events { Events(subscription: self) }

    /// Reads batches, waiting for appends when caught up.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any EventStore
        var next: GlobalPosition
        let filter: EventFilter
        let batchSize: Int
        var announcedCaughtUp = false
        /// When this process's commits answer for the complete position.
        var freshness = CompletePositionFreshness()

        init(store: any EventStore, next: GlobalPosition, filter: EventFilter, batchSize: Int) {
            self.store = store
            self.next = next
            self.filter = filter
            self.batchSize = batchSize
        }

        /// The next batch; `nil` once the consuming task is cancelled.
        ///
        /// - Returns: A batch with new events or a newer position.
        /// - Throws: The store's errors.
        public mutating func next() async throws -> SubscriptionBatch? {
            do {
                return try await nextBatch()
            } catch is CancellationError {
                return nil
            }
        }

        private mutating func nextBatch() async throws -> SubscriptionBatch? {
            while true {
                if Task.isCancelled { return nil }
                // The visibility rule: read the complete position first. Every event
                // at or below it is visible to the page read that follows, and none
                // can still appear; events above it may be visible while a lower
                // position is still committing, so they wait for a later batch.
                let complete = try await completePosition()
                if complete >= next {
                    let page = try await store.readAll(from: next, limit: batchSize, filter: filter)
                    let deliverable = page.prefix { $0.position <= complete }
                    let full = deliverable.count == batchSize
                    let through = full ? deliverable[deliverable.endIndex - 1].position : complete
                    next = through.next
                    if !full { announcedCaughtUp = true }
                    return SubscriptionBatch(
                        events: Array(deliverable), position: through, isCaughtUp: !full,
                        completePosition: Swift.max(complete, through))
                }
                if !announcedCaughtUp {
                    announcedCaughtUp = true
                    let position = GlobalPosition(next.rawValue - 1)
                    return SubscriptionBatch(events: [], position: position, isCaughtUp: true, completePosition: complete)
                }
                try await store.waitForAppends(after: GlobalPosition(next.rawValue - 1))
                freshness.wokeUp()
            }
        }

        /// The complete position: this process's commits when they reach past
        /// what was delivered (or show nothing new, while the last read of the
        /// store is recent), else the store's, read now.
        private mutating func completePosition() async throws -> GlobalPosition {
            let known = store.knownCompletePosition
            let delivered = GlobalPosition(next.rawValue - 1)
            switch freshness.next(known: known, current: delivered, keepingIsAnAnswer: announcedCaughtUp) {
            case .use(let position):
                return position
            case .keep:
                return delivered
            case .read:
                let read = try await store.completePosition()
                freshness.didRead(at: .now)
                return Swift.max(read, known)
            }
        }
    }

    /// A subscription's events one by one.
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = EventRecord
        let subscription: EventSubscription

        public func makeAsyncIterator() -> Iterator {
            Iterator(batches: subscription.makeAsyncIterator())
        }

        /// Hands out the events of each batch in turn.
        public struct Iterator: AsyncIteratorProtocol {
            var batches: EventSubscription.Iterator
            var pending: [EventRecord] = []
            var index = 0

            public mutating func next() async throws -> EventRecord? {
                while index == pending.count {
                    guard let batch = try await batches.next() else { return nil }
                    pending = batch.events
                    index = 0
                }
                defer { index += 1 }
                return pending[index]
            }
        }
    }
}

extension EventStore {
    /// Subscribes to the global log from a position: history first, then live.
    ///
    /// ```swift
    /// for try await batch in store.subscribe(from: checkpoint.next, filter: EventFilter(eventTypes: ["OrderPaid"])) {
    ///     try await handle(batch.events)
    ///     checkpoint = batch.position
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - position: The first position to deliver (inclusive); pass a saved
    ///     checkpoint's `next`.
    ///   - filter: Which events to deliver.
    ///   - batchSize: The most events per batch.
    /// - Returns: An endless sequence of batches, ended by cancelling its task.
    public func subscribe(
        from position: GlobalPosition = .start, filter: EventFilter = .all, batchSize: Int = 500
    ) -> EventSubscription {
        EventSubscription(store: self, from: position, filter: filter, batchSize: batchSize)
    }
}
