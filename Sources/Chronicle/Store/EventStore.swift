/// A durable, ordered log of events: streams with optimistic concurrency and one
/// global order.
///
/// Every event belongs to one stream (``StreamName``) at a version (the first is
/// 1) and has a ``GlobalPosition`` in the store's one log, strictly increasing in
/// commit order. Appends are atomic and check an ``ExpectedVersion``; reads go
/// forward or backward through one stream, or forward through the whole log with
/// a filter, in pages or as an `AsyncSequence`.
///
/// ```swift
/// let store = try await SQLiteEventStore(path: "app.sqlite")
/// let stream = try StreamName("order-42")
/// try await store.append([placed], to: stream, expecting: .noStream)
/// for try await event in store.events(from: .start, filter: EventFilter(categories: ["order"])) {
///     print(event.position, event.type)
/// }
/// ```
///
/// ## Implementation requirements
/// - ``append(_:)`` is atomic over every part: all events of all streams are
///   stored, or none. A part whose expectation fails throws
///   ``EventStoreError/wrongExpectedVersion`` naming its stream, expectation and
///   actual version. Parts for one stream apply in order.
/// - Appending event ids that are already stored, in the same order, to the same
///   stream, at a place the expectation allows, returns the original result and
///   writes nothing; an id stored anywhere else throws
///   ``EventStoreError/duplicateEvent``. Ids repeated in one call are duplicates.
/// - Events whose data plus metadata exceed the store's maximum size throw
///   ``EventStoreError/eventTooLarge``; an empty type name or a schema version
///   below 1 throws ``EventStoreError/invalidEvent``. Nothing is written.
/// - Global positions start at 1 and increase strictly in commit order as seen
///   by readers. **The visibility rule:** ``completePosition()`` is the position
///   up to which the log is complete: every event at or below it is committed and
///   visible to any read that starts after the call returned, and no event at or
///   below it can still appear later. Events above it may already be visible to
///   ``readAll(from:limit:filter:)`` while a lower position is still being
///   committed (a concurrent writer that took position 10, is slower to commit
///   than the one that took 11); consumers that remember how far they got
///   (subscriptions, projection checkpoints, lag, progress) move only up to the
///   complete position, never to the highest position they have read.
/// - ``positionDensity`` declares whether positions are numbered without holes
///   (`.dense`) or may skip numbers (`.mayHaveGaps`, e.g. a rolled-back
///   transaction's sequence value). A store that declares `.dense` never skips a
///   number; ``eventCount(after:through:)`` is then the positions' difference.
/// - ``headPosition()`` is the highest visible position; it is never below
///   ``completePosition()`` except when the last positions handed out were
///   rolled back (the complete position may pass them, the head cannot).
/// - Limits below 1 throw ``EventStoreError/invalidArgument``.
/// - Run `EventStoreConformance` from `ChronicleTesting` against the
///   implementation: it is the executable form of these rules.
public protocol EventStore: Sendable {
    /// Appends events to one or more streams in one atomic transaction.
    ///
    /// Each part checks its stream's expected version; any failure rolls back
    /// every part. Use it to save an aggregate together with the messages it
    /// publishes (the outbox is built in).
    ///
    /// ```swift
    /// let results = try await store.append([
    ///     StreamAppend(stream: order, events: [placed], expecting: .noStream),
    ///     StreamAppend(stream: stock, events: [reserved], expecting: .exactly(7)),
    /// ])
    /// ```
    ///
    /// - Parameter appends: The parts, applied in order.
    /// - Returns: One result per part, in the same order.
    /// - Throws: ``EventStoreError`` (wrong expected version, duplicate event,
    ///   invalid or oversized event, storage errors); nothing is written then.
    @discardableResult
    func append(_ appends: [StreamAppend]) async throws -> [AppendResult]

    /// Reads events of one stream, starting at a version, in a direction.
    ///
    /// ```swift
    /// let firstTen = try await store.readStream(stream, from: 1, direction: .forward, limit: 10)
    /// let lastOne = try await store.readStream(stream, from: .max, direction: .backward, limit: 1)
    /// ```
    ///
    /// - Parameters:
    ///   - stream: The stream to read.
    ///   - version: The first version to return (inclusive); going backward, the
    ///     highest version to return (`.max` for the end).
    ///   - direction: Ascending or descending versions.
    ///   - limit: The most events to return (at least 1).
    /// - Returns: Up to `limit` events; empty for a missing stream.
    /// - Throws: ``EventStoreError`` for a limit below 1 or a storage failure.
    func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord]

    /// Reads the global log forward from a position, keeping events that pass a filter.
    ///
    /// ```swift
    /// let page = try await store.readAll(from: .start, limit: 1_000, filter: .all)
    /// let next = try await store.readAll(from: page.last!.position.next, limit: 1_000, filter: .all)
    /// ```
    ///
    /// - Parameters:
    ///   - position: The lowest position to return (inclusive).
    ///   - limit: The most events to return (at least 1).
    ///   - filter: Which events to keep.
    /// - Returns: Up to `limit` matching events in position order.
    /// - Throws: ``EventStoreError`` for a limit below 1 or a storage failure.
    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord]

    /// The current version of a stream: its number of events, 0 when it has none.
    ///
    /// ```swift
    /// let version = try await store.streamVersion(stream)
    /// ```
    ///
    /// - Parameter stream: The stream.
    /// - Returns: The version of its last event, or 0.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func streamVersion(_ stream: StreamName) async throws -> Int64

    /// The position of the last visible event in the log, or ``GlobalPosition/none`` when empty.
    ///
    /// With several writers, events below the head may still be committing: a
    /// consumer that records how far it got uses ``completePosition()`` instead.
    ///
    /// ```swift
    /// let head = try await store.headPosition()
    /// ```
    ///
    /// - Returns: The head position.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func headPosition() async throws -> GlobalPosition

    /// The position up to which the log is complete: every event at or below it
    /// is visible to reads that start after this call returns, and none can
    /// still appear (the visibility rule, see the protocol's requirements).
    ///
    /// Subscriptions deliver, and projections checkpoint, only up to here. A
    /// store with one writer that takes positions as it commits (SQLite,
    /// in-memory) returns its head; a store whose writers take positions before
    /// they commit returns the position before the oldest one still in flight.
    ///
    /// ```swift
    /// let complete = try await store.completePosition()
    /// let page = try await store.readAll(from: checkpoint.next, limit: 500).prefix { $0.position <= complete }
    /// ```
    ///
    /// - Returns: The complete position (``GlobalPosition/none`` for an empty log).
    /// - Throws: ``EventStoreError`` on a storage failure.
    func completePosition() async throws -> GlobalPosition

    /// A complete position known without a read: the highest position this
    /// store instance committed, for a store whose appends commit one at a time
    /// in position order (SQLite, in memory); ``GlobalPosition/none`` for a store
    /// that cannot tell (PostgreSQL, whose writers commit out of order), the default.
    ///
    /// It never passes ``completePosition()``, and it says nothing of other
    /// processes' appends. Consumers that follow the log use it to skip a read
    /// when their own process's appends are what they wait for, and still read
    /// ``completePosition()`` now and then for the others'.
    ///
    /// ```swift
    /// let complete = max(store.knownCompletePosition, lastRead)   // no read
    /// ```
    var knownCompletePosition: GlobalPosition { get }

    /// Whether the store numbers positions without holes; see ``PositionDensity``.
    var positionDensity: PositionDensity { get }

    /// The number of events with a position above `after` and at or below
    /// `through` (0 when `through <= after`): lag and progress in events.
    ///
    /// `through` is a position the caller read from the store (its head, its
    /// complete position, an event's position): the default subtracts for a
    /// `.dense` store, which counts positions past the head as events, and
    /// counts by reading the log in pages otherwise; stores that may have gaps
    /// override it with a count their storage answers directly.
    ///
    /// ```swift
    /// let lag = try await store.eventCount(after: checkpoint, through: try await store.headPosition())
    /// ```
    ///
    /// - Parameters:
    ///   - after: The lower bound (exclusive), e.g. a checkpoint.
    ///   - through: The upper bound (inclusive), e.g. the head.
    /// - Returns: How many events lie in between.
    /// - Throws: ``EventStoreError`` on a storage failure.
    func eventCount(after: GlobalPosition, through: GlobalPosition) async throws -> Int64

    /// Returns once the complete position may have passed `position`: at once
    /// when it already has (for SQLite and the in-memory store: when an append of
    /// this process has; another process's within a millisecond), else after an
    /// append commits. Subscriptions wait
    /// here when caught up.
    ///
    /// It may return early (the caller reads again). The default polls
    /// ``completePosition()`` with a back-off from 1 to 20 ms; stores override it
    /// to wake waiters as soon as an in-process append commits.
    ///
    /// ```swift
    /// try await store.waitForAppends(after: lastSeen)
    /// let fresh = try await store.readAll(from: lastSeen.next, limit: 100)
    /// ```
    ///
    /// - Parameter position: The last position the caller has seen.
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    func waitForAppends(after position: GlobalPosition) async throws
}

/// A store that can wait for the appends that matter to a waiter: one that
/// knows which streams its commits wrote (SQLite, in memory).
package protocol AppendInterestWaiting: EventStore {
    /// Returns once an append that matters to `interest` may have passed
    /// `position`: as ``EventStore/waitForAppends(after:)``, but this process's
    /// commits wake the caller only when they write a stream that matters, and
    /// other processes' appends within 20 ms.
    ///
    /// ```swift
    /// try await store.waitForAppends(after: complete, matching: AppendInterest(categories: ["orders"]), until: nil)
    /// ```
    ///
    /// - Parameters:
    ///   - position: The last position the caller has seen.
    ///   - interest: The appends that matter.
    ///   - deadline: When to return even if nothing that matters was appended (`nil`: never).
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    func waitForAppends(
        after position: GlobalPosition, matching interest: AppendInterest, until deadline: ContinuousClock.Instant?
    ) async throws
}

extension EventStore {
    public var knownCompletePosition: GlobalPosition { .none }

    /// Waits for the appends that matter to `interest` where the store can
    /// tell them apart (``AppendInterestWaiting``), for any append elsewhere;
    /// returns at `deadline` at the latest.
    func waitForAppends(
        after position: GlobalPosition, concerning interest: AppendInterest?, until deadline: ContinuousClock.Instant?
    ) async throws {
        if let interest, let store = self as? any AppendInterestWaiting {
            try await store.waitForAppends(after: position, matching: interest, until: deadline)
            return
        }
        guard let deadline else { return try await waitForAppends(after: position) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await waitForAppends(after: position) }
            group.addTask { try await Task.sleep(until: deadline, clock: .continuous) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public func waitForAppends(after position: GlobalPosition) async throws {
        try await pollForAppends(after: position, signal: nil)
    }

    public func eventCount(after: GlobalPosition, through: GlobalPosition) async throws -> Int64 {
        guard through > after else { return 0 }
        if positionDensity == .dense { return through.rawValue - after.rawValue }
        var count: Int64 = 0
        var next = after.next
        while next <= through {
            let page = try await readAll(from: next, limit: 1_000, filter: .all)
            let inRange = page.prefix { $0.position <= through }
            count += Int64(inRange.count)
            guard inRange.count == page.count, let last = page.last else { break }
            next = last.position.next
        }
        return count
    }

    /// Waits for the complete position to pass `position`, checking it with a
    /// back-off from 1 ms to `maximumDelay` and waking at once when `signal` fires.
    ///
    /// When the signal ``AppendSignal/reportsCompletePositions``, a commit of this
    /// process past `position` ends the wait without reading the store, and the
    /// store is first read after the first pause: an append of another process
    /// is then noticed within a millisecond rather than at once.
    ///
    /// A store whose signal also hears other processes' appends (PostgreSQL's
    /// notifications) polls rarely, as a fallback; one that hears only its own
    /// keeps the default 20 ms.
    ///
    /// - Parameters:
    ///   - position: The last position the caller has seen.
    ///   - signal: The store's append signal, if it has one.
    ///   - maximumDelay: The longest pause between two checks.
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    @_spi(Implementing) public func pollForAppends(
        after position: GlobalPosition, signal: AppendSignal?, maximumDelay: Duration = .milliseconds(20)
    ) async throws {
        try await pollForAppends(after: position, signal: signal, matching: nil, maximumDelay: maximumDelay)
    }

    /// ``pollForAppends(after:signal:maximumDelay:)`` for the appends that
    /// matter to `interest`, when the signal reports complete positions (and
    /// the streams of each commit): this process's commits wake the caller
    /// only when they match, and the store is read every `maximumDelay` for
    /// other processes' appends. With another signal, `interest` is ignored.
    ///
    /// - Parameters:
    ///   - position: The last position the caller has seen.
    ///   - signal: The store's append signal, if it has one.
    ///   - interest: The appends that matter; `nil` for all.
    ///   - deadline: With `interest`: when to return at the latest.
    ///   - maximumDelay: The longest pause between two reads of the store.
    /// - Throws: `CancellationError` when the task is cancelled, or a store error.
    package func pollForAppends(
        after position: GlobalPosition, signal: AppendSignal?, matching interest: AppendInterest?,
        until deadline: ContinuousClock.Instant? = nil, maximumDelay: Duration = .milliseconds(20)
    ) async throws {
        if let signal, let interest, signal.reportsCompletePositions {
            while true {
                try Task.checkCancellation()
                let (generation, matched) = signal.look(after: position, matching: interest)
                if matched { return }
                let timeout = deadline.map { min(maximumDelay, $0 - .now) } ?? maximumDelay
                if timeout <= .zero { return }
                try await signal.wait(after: generation, matching: interest, timeout: timeout)
                // Woken by a commit that matters: found by the look. Else a timeout
                // (or a commit of unknown streams): read the store, for other
                // processes' appends.
                if signal.look(after: position, matching: interest).matched { return }
                if try await completePosition() > position { return }
            }
        }
        var delay = Duration.milliseconds(1)
        // A signal that reports complete positions answers for this process's
        // commits; the store is read for other processes' only after the first
        // pause (or a signal without a position), not on entry.
        var reads = !(signal?.reportsCompletePositions ?? false)
        while true {
            try Task.checkCancellation()
            let generation = signal?.generation ?? 0
            if let signal, signal.committed > position { return }
            if reads, try await completePosition() > position { return }
            reads = true
            if let signal {
                try await signal.wait(after: generation, timeout: delay)
            } else {
                try await Task.sleep(for: delay)
            }
            delay = min(delay * 2, maximumDelay)
        }
    }
}

extension EventStore {
    /// Appends events to one stream atomically, checking its expected version.
    ///
    /// ```swift
    /// let result = try await store.append([event], to: try StreamName("order-42"), expecting: .noStream)
    /// ```
    ///
    /// - Parameters:
    ///   - events: The events, in order (may be empty to check the version only).
    ///   - stream: The stream to append to.
    ///   - expectedVersion: What the stream's version must be.
    /// - Returns: The stream's new version and the events' versions and positions.
    /// - Throws: ``EventStoreError`` (wrong expected version, duplicate event,
    ///   invalid or oversized event, storage errors); nothing is written then.
    @discardableResult
    public func append(
        _ events: [NewEvent], to stream: StreamName, expecting expectedVersion: ExpectedVersion
    ) async throws -> AppendResult {
        let results = try await append([StreamAppend(stream: stream, events: events, expecting: expectedVersion)])
        return results[0]
    }

    /// Reads the global log forward from a position with no filter.
    ///
    /// - Parameters:
    ///   - position: The lowest position to return (inclusive).
    ///   - limit: The most events to return.
    /// - Returns: Up to `limit` events in position order.
    /// - Throws: ``EventStoreError`` for a limit below 1 or a storage failure.
    public func readAll(from position: GlobalPosition, limit: Int) async throws -> [EventRecord] {
        try await readAll(from: position, limit: limit, filter: .all)
    }

    /// The global log from a position as an `AsyncSequence`, read lazily in pages.
    ///
    /// Memory stays bounded by one page however long the log is. The sequence
    /// ends at the head as it was when the last page was read; to keep following
    /// the log, subscribe instead.
    ///
    /// ```swift
    /// for try await event in store.events(from: .start, filter: EventFilter(eventTypes: ["OrderPaid"])) {
    ///     total += try decoder.decode(OrderPaid.self, from: event.data).amount
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - position: The lowest position to return (inclusive).
    ///   - filter: Which events to keep.
    ///   - pageSize: Events per read (at least 1).
    /// - Returns: A lazy sequence of events.
    public func events(
        from position: GlobalPosition = .start, filter: EventFilter = .all, pageSize: Int = 512
    ) -> GlobalLogEvents {
        GlobalLogEvents(store: self, from: position, filter: filter, pageSize: pageSize)
    }

    /// One stream's events as an `AsyncSequence`, read lazily in pages.
    ///
    /// ```swift
    /// for try await event in store.streamEvents(try StreamName("order-42")) { apply(event) }
    /// ```
    ///
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: The first version (forward) or highest version (backward).
    ///   - direction: Ascending or descending versions.
    ///   - pageSize: Events per read (at least 1).
    /// - Returns: A lazy sequence of the stream's events.
    public func streamEvents(
        _ stream: StreamName, from version: Int64 = 1, direction: ReadDirection = .forward, pageSize: Int = 512
    ) -> StreamEvents {
        StreamEvents(store: self, stream: stream, from: version, direction: direction, pageSize: pageSize)
    }
}
