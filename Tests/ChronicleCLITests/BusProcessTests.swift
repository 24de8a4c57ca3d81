import Chronicle
import ChronicleCLI
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

    @Test func consumeWithMaxPrintsThatManyWholeLinesBeforeItExitsAndTheRestStayForTheGroup() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        let scenarios = BusProcessScenarios(location: path, bus: store.bus())
        let receipts = try await scenarios.publish(keys: ["k0"], perKey: 5, padding: 8_192)
        let first = try await ChronicleProcess.run(
            ["bus", "consume", "orders", "--group", "g", "--max", "3", "--lease", "1s", "--store", path])
        #expect(first.status == 0, "\(first)")
        let printed = try first.outputLines.map { try EventLine.decode(Array($0.utf8)) }
        #expect(printed.map(\.id) == receipts.prefix(3).map(\.id), "three whole lines, in order")
        let second = try await ChronicleProcess.run(
            ["bus", "consume", "orders", "--group", "g", "--max", "2", "--lease", "1s", "--store", path])
        #expect(second.status == 0, "\(second)")
        #expect(try second.outputLines.map { try EventLine.decode(Array($0.utf8)).id } == receipts.suffix(2).map(\.id))
    }
}
