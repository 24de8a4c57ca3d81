import Chronicle
import Foundation
import Testing

/// A bus over an in-memory store, with in-memory consumer stores.
func makeBus(_ store: InMemoryEventStore, checkpoints: any CheckpointStore = InMemoryCheckpointStore()) -> EventBus {
    EventBus(
        store: store, checkpoints: checkpoints, deadLetters: InMemoryDeadLetterStore(), leases: store.leases,
        attempts: InMemoryDeliveryAttemptStore())
}

/// The scheduler's lease in tests: long enough that a loaded machine starving a task
/// for seconds does not lose it (hand-overs in these tests are releases, which the
/// other scheduler notices within its retry interval, a second); a test about noticing
/// a lost lease passes a short one.
func testLease(_ owner: String, duration: Duration = .seconds(15)) -> LeaseSettings {
    LeaseSettings(owner: owner, duration: duration)
}

/// A message with a small JSON payload.
func message(_ type: String, _ text: String = "{}") -> NewEvent {
    NewEvent(type: type, data: Data(text.utf8))
}

/// The log's events outside the bus's `$` streams (what the global topic delivers).
func topicEvents(_ store: some EventStore) async throws -> [EventRecord] {
    try await store.readAll(from: .start, limit: 10_000, filter: .all).filter { Topic.all.contains($0.stream) }
}

/// Waits, following the store's appends (no fixed sleeps), until `condition`
/// holds for the events in the topics; fails after `timeout`.
@discardableResult
func awaitTopicEvents(
    _ store: some EventStore, timeout: Duration = .seconds(60),
    until condition: @escaping @Sendable ([EventRecord]) -> Bool
) async throws -> [EventRecord] {
    try await withThrowingTaskGroup(of: [EventRecord].self) { group in
        group.addTask {
            while true {
                let head = try await store.completePosition()
                let events = try await topicEvents(store)
                if condition(events) { return events }
                try await store.waitForAppends(after: head)
            }
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TimedOut(what: "topic events", after: timeout)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Polls `condition` every few milliseconds until it holds; fails after `timeout`.
/// For state that no append signals (a lease taken).
func awaitCondition(
    timeout: Duration = .seconds(60), _ what: String, _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TimedOut(what: what, after: timeout) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    let after: Duration
    var description: String { "timed out after \(after) waiting for \(what)" }
}
