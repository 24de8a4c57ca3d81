import Chronicle
import ChronicleTesting
import Testing

/// The log's checks against a store whose positions skip numbers: the suite
/// holds for stores of either density.
@Suite("OutOfOrderEventStore conformance")
struct OutOfOrderConformanceTests {
    @Test(arguments: EventStoreConformance.logChecks)
    func conformance(_ check: ConformanceCheck) async throws {
        try await check.run(against: OutOfOrderEventStore(skippingPositionEvery: 3))
    }
}
