import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("PostgresExactlyOnceProjection conformance")
struct PostgresExactlyOnceConformanceTests {
    @Test(arguments: ExactlyOnceProjectionConformance.checks)
    func conformance(_ check: StoreConformanceCheck<any ExactlyOnceProjectionHarness>) async throws {
        try await withPostgresStore { store, database in
            try await check.run(against: PostgresCountingHarness(postgres: store, database: database))
        }
    }
}

/// The conformance suite's read model in the store's database: one row per
/// projection and event id, counting applications.
struct PostgresCountingHarness: ExactlyOnceProjectionHarness {
    let postgres: PostgresEventStore
    let database: PostgresTestDatabase

    var store: any EventStore { postgres }
    var deadLetters: any DeadLetterStore { postgres.deadLetters }

    func projection(named name: String, failing: @escaping @Sendable (EventRecord) -> Bool) async throws
        -> any RunnableProjection
    {
        postgres.exactlyOnce(CountingProjection(name: name, failing: failing))
    }

    /// Read through a connection of its own: what is committed, not what a pool's transaction sees.
    func applications(of name: String) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        try await database.withConnection { connection, logger in
            for try await exists in try await connection.query(
                "SELECT to_regclass('conformance_applications') IS NOT NULL", logger: logger
            ).decode(Bool.self) where !exists {
                return
            }
            for try await (id, count) in try await connection.query(
                "SELECT event_id, count FROM conformance_applications WHERE projection = \(name)", logger: logger
            ).decode((UUID, Int64).self) {
                counts[id] = Int(count)
            }
        }
        return counts
    }

    struct CountingProjection: PostgresProjection {
        let name: String
        let failing: @Sendable (EventRecord) -> Bool
        let logger = Logger(label: "chronicle.tests.counting")

        func prepare(_ connection: PostgresConnection) async throws {
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS conformance_applications (
                    projection text NOT NULL, event_id uuid NOT NULL, count bigint NOT NULL,
                    PRIMARY KEY (projection, event_id))
                """, logger: logger)
        }

        func apply(_ event: EventRecord, in connection: PostgresConnection) async throws {
            try await connection.query(
                """
                INSERT INTO conformance_applications VALUES (\(name), \(event.id), 1)
                ON CONFLICT (projection, event_id) DO UPDATE SET count = conformance_applications.count + 1
                """, logger: logger)
            if failing(event) { throw HandlerFailure(position: event.position) }
        }

        func reset(_ connection: PostgresConnection) async throws {
            try await connection.query("DELETE FROM conformance_applications WHERE projection = \(name)", logger: logger)
        }
    }

    struct HandlerFailure: Error, CustomStringConvertible {
        let position: GlobalPosition
        var description: String { "the handler failed at \(position) as told" }
    }
}
