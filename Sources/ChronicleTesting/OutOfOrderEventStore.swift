@_spi(Implementing) public import Chronicle
internal import Foundation

/// An in-memory event store whose appends take their positions first and
/// commit later, in whatever order a test says: the behaviour of a store with
/// several concurrent writers (PostgreSQL sequences), made deterministic.
///
/// ``begin(_:)`` validates an append, takes its positions and stream versions,
/// and holds it invisible; ``commit(_:)`` makes it visible, ``rollBack(_:)``
/// drops it and its positions for good (the log then skips those numbers).
/// ``completePosition()`` stops before the oldest append still held, so a
/// consumer that follows the visibility rule never skips an event that commits
/// late and never stalls behind one that rolls back. ``append(_:)`` is
/// ``begin(_:)`` then ``commit(_:)``; with `skippingPositionEvery` set, every
/// n-th append first burns a position, so the conformance suite runs over a log
/// with holes.
///
/// ```swift
/// let store = OutOfOrderEventStore()
/// let a = try await store.begin([StreamAppend(stream: orderA, events: [placedA], expecting: .noStream)])  // takes 1
/// let b = try await store.begin([StreamAppend(stream: orderB, events: [placedB], expecting: .noStream)])  // takes 2
/// try await store.commit(b)        // 2 is visible, the log is complete to 0
/// try await store.commit(a)        // complete to 2
/// ```
public actor OutOfOrderEventStore: EventStore {
    /// An append that holds its positions and has not committed yet.
    public struct PendingAppend: Hashable, Sendable {
        let ticket: Int
        /// The positions it took, when it has events.
        public let positions: ClosedRange<GlobalPosition>?
    }

    private struct Held {
        let records: [EventRecord]
        let results: [AppendResult]
    }

    private var committed: [EventRecord] = []
    private var streams: [StreamName: [EventRecord]] = [:]
    private var reservedVersions: [StreamName: Int64] = [:]
    private var ids: [UUID: EventRecord] = [:]
    private var held: [Int: Held] = [:]
    private var nextTicket = 0
    private var nextPosition: Int64 = 1
    private var appendsBegun = 0
    private let maximumEventSize: Int
    private let skipEvery: Int?
    private nonisolated let appendSignal = AppendSignal()

    /// Creates an empty store.
    ///
    /// - Parameters:
    ///   - skippingPositionEvery: When set to `n`, every `n`-th append burns one
    ///     position before its own, as a rolled-back transaction would.
    ///   - maximumEventSize: The largest data plus metadata accepted, in bytes.
    public init(skippingPositionEvery: Int? = nil, maximumEventSize: Int = NewEvent.defaultMaximumSize) {
        self.skipEvery = skippingPositionEvery.map { max(1, $0) }
        self.maximumEventSize = maximumEventSize
    }

    /// Validates an append and takes its positions and versions, without making
    /// it visible.
    ///
    /// Parts for a stream that another held append writes to are refused: the
    /// store keeps each stream's versions in commit order.
    ///
    /// - Parameter appends: The parts, as for ``append(_:)``.
    /// - Returns: The held append, for ``commit(_:)`` or ``rollBack(_:)``.
    /// - Throws: ``Chronicle/EventStoreError`` as ``append(_:)`` does.
    public func begin(_ appends: [StreamAppend]) async throws -> PendingAppend {
        let prepared = try AppendValidation.prepare(appends, maximumEventSize: maximumEventSize)
        let heldStreams = Set(held.values.flatMap { $0.records.map(\.stream) })
        var staged: [EventRecord] = []
        var stagedVersions: [StreamName: Int64] = [:]
        var results: [AppendResult] = []
        var position = nextPosition
        appendsBegun += 1
        if let skipEvery, appendsBegun % skipEvery == 0 { position += 1 }
        let now = Date()
        for (part, events) in zip(appends, prepared) {
            if heldStreams.contains(part.stream) {
                throw EventStoreError.invalidArgument("stream \(part.stream) has an append held uncommitted")
            }
            let places = part.events.map { id in
                ids[id.id].map { AppendValidation.StoredPlace(stream: $0.stream, version: $0.version, position: $0.position) }
            }
            if let original = try AppendValidation.idempotentResult(for: part, stored: places) {
                results.append(original)
                continue
            }
            let current = stagedVersions[part.stream] ?? reservedVersions[part.stream, default: 0]
            guard part.expectedVersion.isSatisfied(by: current) else {
                throw EventStoreError.wrongExpectedVersion(
                    stream: part.stream, expected: part.expectedVersion, actual: current)
            }
            guard !events.isEmpty else {
                results.append(AppendResult(stream: part.stream, version: current, versions: nil, positions: nil))
                continue
            }
            let first = GlobalPosition(position)
            for (offset, prepared) in events.enumerated() {
                let event = prepared.event
                staged.append(
                    EventRecord(
                        position: GlobalPosition(position), stream: part.stream, version: current + 1 + Int64(offset),
                        id: event.id, type: event.type, schemaVersion: event.schemaVersion, data: event.data,
                        metadata: event.metadata, recordedAt: now))
                position += 1
            }
            let version = current + Int64(events.count)
            stagedVersions[part.stream] = version
            results.append(
                AppendResult(
                    stream: part.stream, version: version, versions: (current + 1)...version,
                    positions: first...GlobalPosition(position - 1)))
        }
        nextPosition = position
        for (stream, version) in stagedVersions { reservedVersions[stream] = version }
        let ticket = nextTicket
        nextTicket += 1
        held[ticket] = Held(records: staged, results: results)
        let positions = staged.first.map { $0.position...staged[staged.count - 1].position }
        return PendingAppend(ticket: ticket, positions: positions)
    }

    /// Makes a held append visible.
    ///
    /// - Parameter pending: What ``begin(_:)`` returned.
    /// - Returns: The append's results.
    /// - Throws: ``Chronicle/EventStoreError/invalidArgument(_:)`` when it is not held.
    @discardableResult
    public func commit(_ pending: PendingAppend) throws -> [AppendResult] {
        guard let append = held.removeValue(forKey: pending.ticket) else {
            throw EventStoreError.invalidArgument("append \(pending.ticket) is not held")
        }
        for record in append.records {
            let index = committed.lastIndex { $0.position < record.position }.map { $0 + 1 } ?? 0
            committed.insert(record, at: index)
            streams[record.stream, default: []].append(record)
            ids[record.id] = record
        }
        appendSignal.signal()
        return append.results
    }

    /// Drops a held append: its positions are never used, its streams' versions
    /// go back.
    ///
    /// - Parameter pending: What ``begin(_:)`` returned.
    /// - Throws: ``Chronicle/EventStoreError/invalidArgument(_:)`` when it is not held.
    public func rollBack(_ pending: PendingAppend) throws {
        guard let append = held.removeValue(forKey: pending.ticket) else {
            throw EventStoreError.invalidArgument("append \(pending.ticket) is not held")
        }
        for record in append.records where record.version <= reservedVersions[record.stream, default: 0] {
            reservedVersions[record.stream] = record.version - 1
        }
        appendSignal.signal()
    }

    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        try commit(try await begin(appends))
    }

    public func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        let records = streams[stream] ?? []
        switch direction {
        case .forward:
            return Array(records.filter { $0.version >= version }.prefix(limit))
        case .backward:
            return Array(records.filter { $0.version <= version }.reversed().prefix(limit))
        }
    }

    public func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
        try AppendValidation.checkLimit(limit)
        var result: [EventRecord] = []
        let start = committed.firstIndex { $0.position >= position } ?? committed.count
        for record in committed[start...] where filter.matches(record) {
            result.append(record)
            if result.count == limit { break }
        }
        return result
    }

    public func streamVersion(_ stream: StreamName) async throws -> Int64 {
        Int64(streams[stream]?.count ?? 0)
    }

    public func headPosition() async throws -> GlobalPosition {
        committed.last?.position ?? .none
    }

    /// The position before the oldest held append, or the last position taken
    /// when none is held (rolled-back positions included: they never appear).
    public func completePosition() async throws -> GlobalPosition {
        let oldestHeld = held.values.compactMap { $0.records.first?.position }.min()
        return oldestHeld.map { GlobalPosition($0.rawValue - 1) } ?? GlobalPosition(nextPosition - 1)
    }

    /// `.mayHaveGaps`: rolled-back appends and burnt positions leave holes.
    public nonisolated var positionDensity: PositionDensity { .mayHaveGaps }

    public nonisolated func waitForAppends(after position: GlobalPosition) async throws {
        try await pollForAppends(after: position, signal: appendSignal)
    }
}
