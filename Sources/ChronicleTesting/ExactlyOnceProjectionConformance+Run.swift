@_spi(Implementing) internal import Chronicle
internal import Foundation

/// One check's projection, its events and its switch of failing events.
struct Run: Sendable {
    static let name = "exactly-once-conformance"

    let harness: any ExactlyOnceProjectionHarness
    let projection: any RunnableProjection
    let events: [EventRecord]
    let failing: FailingEvents

    init(_ harness: any ExactlyOnceProjectionHarness, count: Int = 5) async throws {
        self.harness = harness
        let failing = FailingEvents()
        self.failing = failing
        projection = try await harness.projection(named: Self.name) { failing.contains($0) }
        try await projection.prepare()
        // Two streams, interleaved, so that positions and versions differ.
        for index in 0..<count {
            try await harness.store.append(
                [Fixtures.event("Counted", "\(index)")], to: Fixtures.stream("tally-\(index % 2)"), expecting: .any)
        }
        events = try await harness.store.readAll(from: .start, limit: count)
        try Expect.equal(events.count, count, "events appended for the check")
    }

    /// Parks an event the way the runner does after its last attempt: the handler fails, then the event is parked.
    func parkFailing(_ event: EventRecord, skip: Bool) async throws -> DeadLetter {
        failing.set([event.id])
        do {
            try await projection.apply([event], through: event.position)
            throw ConformanceFailure(message: "apply succeeded for a failing event", file: #fileID, line: #line)
        } catch is ProjectionApplyFailure {}
        try await projection.park(event, error: "failed", attempts: 2, skip: skip)
        let letters = try await harness.deadLetters.deadLetters(consumer: Self.name, limit: 100)
        guard let letter = letters.last(where: { $0.eventId == event.id }) else {
            throw ConformanceFailure(message: "no dead letter for the parked event", file: #fileID, line: #line)
        }
        return letter
    }

    /// Fails unless the read model holds exactly `events`, each applied once.
    func expectApplied(
        _ events: [EventRecord], _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line
    ) async throws {
        let applied = try await harness.applications(of: Self.name)
        let expected = Dictionary(uniqueKeysWithValues: events.map { ($0.id, 1) })
        if applied != expected {
            let positions = { (ids: [UUID: Int]) in
                self.events.compactMap { event in ids[event.id].map { "\(event.position):\($0)" } }
            }
            throw ConformanceFailure(
                message: "\(what()): expected applications (position:count) \(positions(expected)), "
                    + "got \(positions(applied))\(applied.count > positions(applied).count ? " and unknown ids" : "")",
                file: file, line: line)
        }
    }
}

/// Which events the handler throws for; the checks change it as they go.
final class FailingEvents: Sendable {
    private let ids = Locked<Set<UUID>>([])

    func set(_ ids: Set<UUID>) { self.ids.withLock { $0 = ids } }

    func contains(_ event: EventRecord) -> Bool { ids.withLock { $0.contains(event.id) } }
}
