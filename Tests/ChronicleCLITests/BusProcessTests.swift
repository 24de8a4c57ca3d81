import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `chronicle bus consume` processes in one consumer group on a SQLite file:
/// the work is shared with nothing lost or printed twice, and a SIGKILLed
/// member's partitions and unacknowledged messages move to the survivor.
@Suite("chronicle bus consume across processes (SQLite)")
struct BusProcessTests {
    @Test func twoConsumeProcessesShareATopicAndTheGroupGetsEachMessageOnceInStreamOrder() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        try await BusProcessScenarios(location: path, bus: store.bus()).twoMembersShareATopic()
    }

    @Test func aSIGKILLedMembersPartitionsAndUnacknowledgedMessagesMoveToTheOther() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        try await BusProcessScenarios(location: path, bus: store.bus()).aKilledMembersPartitionsMoveToTheSurvivor()
    }
}
