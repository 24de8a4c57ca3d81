import Chronicle
import CoreMetrics
import Foundation
import Logging
import Synchronization
import Testing

/// Counters recorded in memory, by label and dimensions, for asserting metrics
/// without bootstrapping the global metrics system.
final class RecordingMetrics: MetricsFactory {
    final class RecordingCounter: CounterHandler {
        let total = Atomic<Int64>(0)
        func increment(by amount: Int64) { total.add(amount, ordering: .relaxed) }
        func reset() { total.store(0, ordering: .relaxed) }
    }

    private let counters = Locked<[String: RecordingCounter]>([:])

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
    }

    /// The total of a counter; 0 when it was never created.
    func value(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        counters.withLock { $0[Self.key(label, dimensions)]?.total.load(ordering: .relaxed) ?? 0 }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counters.withLock { counters in
            let key = Self.key(label, dimensions)
            if let existing = counters[key] { return existing }
            let counter = RecordingCounter()
            counters[key] = counter
            return counter
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// A log handler that keeps every message, for asserting what was logged.
struct RecordingLogHandler: LogHandler {
    final class Storage: Sendable {
        let entries = Locked<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
        var messages: [(level: Logger.Level, message: String)] {
            entries.withLock { $0.map { ($0.level, $0.message) } }
        }
    }

    let storage: Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        storage.entries.withLock { $0.append((event.level, event.message.description, merged)) }
    }

    /// A logger writing into a fresh storage.
    static func logger() -> (Logger, Storage) {
        let storage = Storage()
        return (Logger(label: "test") { _ in RecordingLogHandler(storage: storage) }, storage)
    }
}

/// Lets the first `parties` callers of ``arrive()`` wait for each other, then
/// lets everyone through: forces concurrent commands to read the same version.
actor Barrier {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arrive() async {
        arrived += 1
        if arrived < parties {
            await withCheckedContinuation { waiting.append($0) }
        } else if arrived == parties {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
        }
    }
}

/// An event store wrapper that makes the first `parties` stream reads wait for
/// each other (so the commands that issued them conflict), and counts the
/// events returned by stream reads.
final class InstrumentedStore<Base: EventStore>: EventStore {
    let base: Base
    let barrier: Barrier?
    private let eventsReadCounter = Atomic<Int>(0)

    /// Events returned by stream reads so far.
    var eventsRead: Int { eventsReadCounter.load(ordering: .relaxed) }

    init(_ base: Base, gatingFirstReads parties: Int? = nil) {
        self.base = base
        self.barrier = parties.map { Barrier(parties: $0) }
    }

    func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        try await base.append(appends)
    }

    func readStream(
        _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
    ) async throws -> [EventRecord] {
        let records = try await base.readStream(stream, from: version, direction: direction, limit: limit)
        eventsReadCounter.add(records.count, ordering: .relaxed)
        await barrier?.arrive()
        return records
    }

    func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
        try await base.readAll(from: position, limit: limit, filter: filter)
    }

    func streamVersion(_ stream: StreamName) async throws -> Int64 {
        try await base.streamVersion(stream)
    }

    func headPosition() async throws -> GlobalPosition {
        try await base.headPosition()
    }

    func completePosition() async throws -> GlobalPosition {
        try await base.completePosition()
    }

    var positionDensity: PositionDensity { base.positionDensity }
}

/// Expects `body` to throw an ``EventCodingError`` with `code`.
@discardableResult
func expectCodingError<R>(
    _ code: EventCodingError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R
) -> EventCodingError? {
    let error = #expect(throws: EventCodingError.self, sourceLocation: sourceLocation, performing: body)
    #expect(error?.code == code, sourceLocation: sourceLocation)
    return error
}

/// Expects `body` to throw an ``AggregateError`` with `code`.
@discardableResult
func expectAggregateError<R>(
    _ code: AggregateError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> R
) async -> AggregateError? {
    do {
        let value = try await body()
        Issue.record("expected AggregateError '\(code)', but it returned \(value)", sourceLocation: sourceLocation)
    } catch let error as AggregateError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected AggregateError '\(code)', got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
