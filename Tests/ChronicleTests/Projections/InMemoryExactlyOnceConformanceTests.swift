import Chronicle
import ChronicleTesting
import Foundation
import Testing

@Suite("InMemoryExactlyOnceProjection conformance")
struct InMemoryExactlyOnceConformanceTests {
    @Test(arguments: ExactlyOnceProjectionConformance.checks)
    func conformance(_ check: StoreConformanceCheck<any ExactlyOnceProjectionHarness>) async throws {
        try await check.run(against: InMemoryCountingHarness())
    }

    /// The projection store is a checkpoint store and a dead-letter store too: it passes their suites.
    @Test(arguments: CheckpointStoreConformance.checks)
    func checkpoints(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
        try await check.run(against: InMemoryProjectionStore())
    }

    @Test(arguments: DeadLetterStoreConformance.checks)
    func deadLetters(_ check: StoreConformanceCheck<any DeadLetterStore>) async throws {
        try await check.run(against: InMemoryProjectionStore())
    }

    @Test func aRunnerKeepsTheReadModelOfEveryEvent() async throws {
        let store = InMemoryEventStore()
        for index in 0..<30 {
            try await store.append([NewEvent(type: "Placed", data: Data("{}".utf8))], to: StreamName("order-\(index % 3)"), expecting: .any)
        }
        let projections = InMemoryProjectionStore()
        let counts = projections.exactlyOnce(named: "per-stream", initial: [String: Int]()) { event, counts in
            counts[event.stream.description, default: 0] += 1
        }
        let runner = try ProjectionRunner(store: store, projections: [counts])
        try await runner.catchUp()
        #expect(projections.readModel(of: "per-stream", as: [String: Int].self) == ["order-0": 10, "order-1": 10, "order-2": 10])
        #expect(try await projections.checkpoint(named: "per-stream")?.position == 30)
    }
}

/// The conformance suite's read model as a dictionary in an `InMemoryProjectionStore`.
struct InMemoryCountingHarness: ExactlyOnceProjectionHarness {
    let events = InMemoryEventStore()
    let projections = InMemoryProjectionStore()

    var store: any EventStore { events }
    var deadLetters: any DeadLetterStore { projections }

    func projection(named name: String, failing: @escaping @Sendable (EventRecord) -> Bool) async throws
        -> any RunnableProjection
    {
        projections.exactlyOnce(named: name, initial: [UUID: Int]()) { event, applications in
            applications[event.id, default: 0] += 1
            if failing(event) { throw InMemoryHandlerFailure(position: event.position) }
        }
    }

    func applications(of name: String) async throws -> [UUID: Int] {
        projections.readModel(of: name, as: [UUID: Int].self) ?? [:]
    }
}

struct InMemoryHandlerFailure: Error, CustomStringConvertible {
    let position: GlobalPosition
    var description: String { "the handler failed at \(position) as told" }
}
