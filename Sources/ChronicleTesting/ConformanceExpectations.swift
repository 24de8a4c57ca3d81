public import Chronicle
internal import Foundation

/// Assertions for conformance checks and fixtures, with no test framework:
/// each throws ``ConformanceFailure`` naming what was expected.
public enum Expect {
    /// Fails unless `condition` holds.
    ///
    /// ```swift
    /// try Expect.that(result.version == 3, "version after three events")
    /// ```
    ///
    /// - Parameters:
    ///   - condition: What must be true.
    ///   - message: What was expected, for the failure.
    ///   - file: The file a failure is reported at (the caller's by default).
    ///   - line: The line a failure is reported at (the caller's by default).
    /// - Throws: ``ConformanceFailure`` when `condition` is false.
    public static func that(
        _ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line
    ) throws {
        if !condition { throw ConformanceFailure(message: message(), file: file, line: line) }
    }

    /// Fails unless the two values are equal.
    ///
    /// - Parameters:
    ///   - actual: The value observed.
    ///   - expected: The value required.
    ///   - what: What the value is, for the failure.
    ///   - file: The file a failure is reported at (the caller's by default).
    ///   - line: The line a failure is reported at (the caller's by default).
    /// - Throws: ``ConformanceFailure`` naming both values.
    public static func equal<T: Equatable>(
        _ actual: T, _ expected: T, _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line
    ) throws {
        if actual != expected {
            throw ConformanceFailure(
                message: "\(what()): expected \(expected), got \(actual)", file: file, line: line)
        }
    }

    /// Fails unless `body` throws an `EventStoreError` with `code`; returns it.
    ///
    /// ```swift
    /// let error = try await Expect.error(.wrongExpectedVersion, "append at a stale version") {
    ///     try await store.append([event], to: stream, expecting: .exactly(7))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - code: The error code required.
    ///   - what: The operation, for the failure.
    ///   - body: The operation that must fail.
    ///   - file: The file a failure is reported at (the caller's by default).
    ///   - line: The line a failure is reported at (the caller's by default).
    /// - Returns: The error thrown.
    /// - Throws: ``ConformanceFailure`` when `body` succeeds or throws something else.
    @discardableResult
    public static func error<T>(
        _ code: EventStoreError.Code, _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line,
        _ body: () async throws -> T
    ) async throws -> EventStoreError {
        do {
            let value = try await body()
            throw ConformanceFailure(
                message: "\(what()): expected error '\(code)', but it succeeded with \(value)", file: file, line: line)
        } catch let error as EventStoreError {
            if error.code != code {
                throw ConformanceFailure(
                    message: "\(what()): expected error '\(code)', got '\(error.code)': \(error.message)", file: file,
                    line: line)
            }
            return error
        } catch let failure as ConformanceFailure {
            throw failure
        } catch {
            throw ConformanceFailure(
                message: "\(what()): expected EventStoreError '\(code)', got \(type(of: error)): \(error)", file: file,
                line: line)
        }
    }
}

/// Small builders the checks share.
enum Fixtures {
    static func event(_ type: String = "Happened", _ text: String = "x", id: UUID = UUID()) -> NewEvent {
        NewEvent(id: id, type: type, data: Data("{\"v\":\"\(text)\"}".utf8))
    }

    static func events(_ count: Int, type: String = "Happened") -> [NewEvent] {
        (0..<count).map { event(type, "\($0)") }
    }

    static func stream(_ text: String) -> StreamName {
        // Only called with literal, valid names.
        try! StreamName(text)
    }

    /// Everything in the store, in order: used to show that a failed call changed nothing.
    static func snapshot(of store: some EventStore) async throws -> [EventRecord] {
        var all: [EventRecord] = []
        for try await record in store.events(from: .start, pageSize: 1000) { all.append(record) }
        return all
    }

    /// Each record's rank in the whole log (1 for the first event): its position
    /// in a store with dense positions, so checks written with literal positions
    /// hold for stores whose positions skip numbers too.
    static func ordinals(of records: [EventRecord], in store: some EventStore) async throws -> [Int64] {
        let log = try await snapshot(of: store)
        var rank: [GlobalPosition: Int64] = [:]
        for (index, record) in log.enumerated() { rank[record.position] = Int64(index + 1) }
        return records.map { rank[$0.position] ?? -$0.position.rawValue }
    }

    /// The position of the log's `ordinal`-th event (1-based); past the end, the
    /// position after the head.
    static func position(ofOrdinal ordinal: Int64, in store: some EventStore) async throws -> GlobalPosition {
        let log = try await snapshot(of: store)
        if ordinal < 1 { return .none }
        return ordinal <= log.count ? log[Int(ordinal - 1)].position : (log.last?.position ?? .none).next
    }

    /// Checks the rule for the positions of a whole log: strictly increasing
    /// from 1 on, and without holes in a store that declares `.dense`.
    static func expectLogPositions(_ positions: [Int64], in store: some EventStore, _ what: String) throws {
        try Expect.that(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }, "\(what): strictly increasing")
        try Expect.that(positions.first.map { $0 >= 1 } ?? true, "\(what): start at 1 or later")
        if store.positionDensity == .dense {
            try Expect.equal(positions, Array(0..<Int64(positions.count)).map { $0 + 1 }, "\(what): without holes")
        }
    }
}
