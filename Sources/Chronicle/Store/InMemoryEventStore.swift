public import Foundation

/// An event store that keeps everything in memory: for tests, previews and
/// tools that need a throwaway log.
///
/// It follows every rule of ``EventStore`` (it passes the same conformance suite
/// as the durable stores) but forgets everything when released.
///
/// ```swift
/// let store = InMemoryEventStore()
/// try await store.append([event], to: try StreamName("order-1"), expecting: .noStream)
/// let head = try await store.headPosition()   // 1
/// ```
public actor InMemoryEventStore: EventStore {
    // Positions have no holes: the event at position p is log[p - 1].
    var log: [EventRecord] = []
    var streamIndexes: [StreamName: [Int]] = [:]
    var idIndex: [UUID: Int] = [:]
    let maximumEventSize: Int
    private let clock: @Sendable () -> Date
    private nonisolated let appendSignal = AppendSignal(reportsCompletePositions: true)
    /// The leases of the consumers that run on this store (see ``LeaseProviding``).
    public nonisolated let leases = InMemoryLeaseStore()
    /// The checkpoints of the consumers that run on this store (the bus's groups, ``bus(checkpoints:deadLetters:attempts:leases:logger:)``).
    public nonisolated let checkpoints = InMemoryCheckpointStore()
    /// The dead letters of the consumers that run on this store.
    public nonisolated let deadLetters = InMemoryDeadLetterStore()
    /// The failed delivery attempts of the bus's groups on this store.
    public nonisolated let attempts = InMemoryDeliveryAttemptStore()

    /// Creates an empty store.
    ///
    /// - Parameters:
    ///   - maximumEventSize: The largest data plus metadata accepted, in bytes.
    ///   - clock: Where recorded-at times come from; the system clock by default.
    public init(
        maximumEventSize: Int = NewEvent.defaultMaximumSize,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maximumEventSize = maximumEventSize
        self.clock = clock
    }

    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        let prepared = try AppendValidation.prepare(appends, maximumEventSize: maximumEventSize)
        // Stage everything first, so that a failing part leaves the log untouched.
        var staged: [EventRecord] = []
        var stagedVersions: [StreamName: Int64] = [:]
        var results: [AppendResult] = []
        let now = clock()
        for (part, events) in zip(appends, prepared) {
            let places = part.events.map { storedPlace(of: $0.id) }
            if let original = try AppendValidation.idempotentResult(for: part, stored: places) {
                results.append(original)
                continue
            }
            let current = stagedVersions[part.stream] ?? Int64(streamIndexes[part.stream]?.count ?? 0)
            guard part.expectedVersion.isSatisfied(by: current) else {
                throw EventStoreError.wrongExpectedVersion(
                    stream: part.stream, expected: part.expectedVersion, actual: current)
            }
            guard !events.isEmpty else {
                results.append(AppendResult(stream: part.stream, version: current, versions: nil, positions: nil))
                continue
            }
            let firstPosition = GlobalPosition(Int64(log.count + staged.count + 1))
            for (offset, prepared) in events.enumerated() {
                let event = prepared.event
                staged.append(
                    EventRecord(
                        position: GlobalPosition(firstPosition.rawValue + Int64(offset)), stream: part.stream,
                        version: current + 1 + Int64(offset), id: event.id, type: event.type,
                        schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata,
                        recordedAt: now))
            }
            let version = current + Int64(events.count)
            stagedVersions[part.stream] = version
            results.append(
                AppendResult(
                    stream: part.stream, version: version, versions: (current + 1)...version,
                    positions: firstPosition...GlobalPosition(firstPosition.rawValue + Int64(events.count - 1))))
        }
        commit(staged)
        return results
    }

    /// Adds staged records, whose positions continue the log, to the log and its indexes.
    func commit(_ staged: [EventRecord]) {
        for record in staged {
            let index = log.count
            log.append(record)
            streamIndexes[record.stream, default: []].append(index)
            idIndex[record.id] = index
        }
        if let last = staged.last { appendSignal.signal(committed: last.position, streams: staged.map(\.stream)) }
    }

    /// Where an event id is stored, if it is.
    func storedPlace(of id: UUID) -> AppendValidation.StoredPlace? {
        idIndex[id].map { index in
            let record = log[index]
            return AppendValidation.StoredPlace(stream: record.stream, version: record.version, position: record.position)
        }
    }

    public func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        guard let indexes = streamIndexes[stream] else { return [] }
        switch direction {
        case .forward:
            let start = Int(max(version, 1)) - 1
            guard start < indexes.count else { return [] }
            return indexes[start..<min(indexes.count, start + limit)].map { log[$0] }
        case .backward:
            guard version >= 1 else { return [] }
            let end = Int(min(version, Int64(indexes.count)))
            return indexes[max(0, end - limit)..<end].reversed().map { log[$0] }
        }
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        var result: [EventRecord] = []
        var index = Int(max(position.rawValue, 1)) - 1
        while index < log.count, result.count < limit {
            let record = log[index]
            if filter.matches(record) { result.append(record) }
            index += 1
        }
        return result
    }

    public func streamVersion(_ stream: StreamName) async throws -> Int64 {
        Int64(streamIndexes[stream]?.count ?? 0)
    }

    public func headPosition() async throws -> GlobalPosition {
        GlobalPosition(Int64(log.count))
    }

    /// The head: appends take their positions as they commit, one at a time.
    public func completePosition() async throws -> GlobalPosition {
        GlobalPosition(Int64(log.count))
    }

    /// `.dense`: the event at position `p` is the log's `p`-th.
    public nonisolated var positionDensity: PositionDensity { .dense }

    /// The head as last committed: appends take their positions as they commit.
    public nonisolated var knownCompletePosition: GlobalPosition { appendSignal.committed }

    public nonisolated func waitForAppends(after position: GlobalPosition) async throws {
        try await pollForAppends(after: position, signal: appendSignal)
    }
}

extension InMemoryEventStore: AppendInterestWaiting {
    package nonisolated func waitForAppends(
        after position: GlobalPosition, matching interest: AppendInterest, until deadline: ContinuousClock.Instant?
    ) async throws {
        try await pollForAppends(after: position, signal: appendSignal, matching: interest, until: deadline)
    }
}
