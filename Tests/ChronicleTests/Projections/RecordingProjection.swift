import Chronicle
import ChronicleTesting
import Foundation

/// A projection for tests: records the positions it applied, fails on purpose
/// where told, and lets a test wait until it has seen a position.
final class RecordingProjection: Projection, Sendable {
    let name: String
    let filter: EventFilter
    let failurePolicy: FailurePolicy
    private let state = Locked(State())
    private let seen = AsyncStream<GlobalPosition>.makeStream()

    struct State {
        var applied: [GlobalPosition] = []
        var failuresLeft: [GlobalPosition: Int] = [:]
        var attempts: [GlobalPosition: Int] = [:]
        var resets = 0
    }

    struct Boom: Error, CustomStringConvertible {
        let position: GlobalPosition
        var description: String { "boom at \(position)" }
    }

    init(
        name: String = "recorder", filter: EventFilter = .all,
        failurePolicy: FailurePolicy = FailurePolicy(
            maxAttempts: 3, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5)),
        failing: [GlobalPosition: Int] = [:]
    ) {
        self.name = name
        self.filter = filter
        self.failurePolicy = failurePolicy
        state.withLock { $0.failuresLeft = failing }
    }

    var applied: [GlobalPosition] { state.withLock { $0.applied } }
    var resets: Int { state.withLock { $0.resets } }
    func attempts(at position: GlobalPosition) -> Int { state.withLock { $0.attempts[position] ?? 0 } }

    func apply(_ event: EventRecord) async throws {
        let fail = state.withLock { state -> Bool in
            state.attempts[event.position, default: 0] += 1
            if let left = state.failuresLeft[event.position], left > 0 {
                state.failuresLeft[event.position] = left - 1
                return true
            }
            state.applied.append(event.position)
            return false
        }
        if fail { throw Boom(position: event.position) }
        seen.continuation.yield(event.position)
    }

    func reset() async throws {
        state.withLock {
            $0.applied = []
            $0.resets += 1
        }
    }

    /// Waits until the projection has applied `position` (or later); throws
    /// when it has not within `seconds`, so that a test fails instead of hanging.
    func waitUntilApplied(_ position: GlobalPosition, within seconds: Double = 30) async throws {
        if applied.contains(where: { $0 >= position }) { return }
        let positions = seen.stream
        try await withDeadline(seconds: seconds, "applying \(position)") {
            for await seenPosition in positions where seenPosition >= position { return }
        }
    }
}

func appendEvents(_ count: Int, to store: some EventStore, stream: String = "order-1", type: String = "Happened")
    async throws
{
    let name = try StreamName(stream)
    let events = (0..<count).map { NewEvent(type: type, data: Data("{\"n\":\($0)}".utf8)) }
    try await store.append(events, to: name, expecting: .any)
}
