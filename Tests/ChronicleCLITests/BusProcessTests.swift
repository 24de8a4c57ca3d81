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
        // Each run has a watchdog: a --max that never ends fails instead of hanging.
        let first = try BusConsumerProcess(member: "m1", group: "g", store: path, options: ["--max", "3", "--lease", "\(BusProcessScenarios.lease)s"])
        defer { first.killIfRunning() }
        #expect(await first.end() == 0)
        #expect(first.unreadable.isEmpty)
        #expect(first.records.map(\.id) == receipts.prefix(3).map(\.id), "three whole lines, in order")
        #expect(try await store.attempts.attempts(consumer: "g", message: receipts[3].id) == nil, "giving a message up is no failed attempt")
        let second = try BusConsumerProcess(member: "m2", group: "g", store: path, options: ["--max", "2", "--lease", "\(BusProcessScenarios.lease)s"])
        defer { second.killIfRunning() }
        #expect(await second.end() == 0)
        #expect(second.records.map(\.id) == receipts.suffix(2).map(\.id), "the rest, once")
        let status = try #require(try await store.bus().status(group: "g"))
        #expect(status.lag == 0)
    }
}
