import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Testing

@Suite("PostgresEventStore conformance")
struct PostgresConformanceTests {
    @Test(arguments: EventStoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async throws {
        try await withPostgresStore { store, _ in
            try await check.run(against: store)
        }
    }
}
