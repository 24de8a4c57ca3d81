import Chronicle
import ChronicleTesting
import Testing

@Suite("InMemoryEventStore conformance")
struct InMemoryConformanceTests {
    @Test(arguments: EventStoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async throws {
        try await check.run(against: InMemoryEventStore())
    }

    @Test func suiteHasAtLeastThirtyChecks() {
        #expect(EventStoreConformance.checks.count >= 30)
        #expect(Set(EventStoreConformance.checks.map(\.name)).count == EventStoreConformance.checks.count)
    }
}
