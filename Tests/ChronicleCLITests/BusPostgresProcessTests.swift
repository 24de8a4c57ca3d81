import Chronicle
import ChroniclePostgres
import Foundation
import PostgresTestSupport
import Testing

/// `chronicle bus consume` processes in one consumer group on a `postgres://`
/// store (issue 16): nothing lost or printed twice, and a SIGKILLed member's
/// partitions move to the other.
@Suite("chronicle bus consume across processes (PostgreSQL)")
struct BusPostgresProcessTests {
    /// Runs `scenario` on a fresh database, dropped afterwards.
    static func onPostgres(_ scenario: (BusProcessScenarios) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.create()
        do {
            let store = try await database.openStore()
            defer { store.close() }
            try await scenario(BusProcessScenarios(location: database.url, bus: store.bus()))
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test func twoConsumeProcessesShareATopicAndTheGroupGetsEachMessageOnceInStreamOrder() async throws {
        try await Self.onPostgres { try await $0.twoMembersShareATopic() }
    }

    @Test func aSIGKILLedMembersPartitionsAndUnacknowledgedMessagesMoveToTheOther() async throws {
        try await Self.onPostgres { try await $0.aKilledMembersPartitionsMoveToTheSurvivor() }
    }
}
