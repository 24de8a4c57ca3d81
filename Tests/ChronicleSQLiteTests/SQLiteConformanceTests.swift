import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Testing

@Suite("SQLiteEventStore conformance")
struct SQLiteConformanceTests {
    @Test(arguments: EventStoreConformance.checks)
    func conformance(_ check: ConformanceCheck) async throws {
        let directory = try TemporaryDirectory()
        // NORMAL durability keeps the suite fast; FULL is covered by the store tests.
        let store = try await SQLiteEventStore(path: directory.path("events.sqlite"), options: .init(durability: .normal))
        try await check.run(against: store)
        try store.close()
    }
}
