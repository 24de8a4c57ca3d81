import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// `PostgresEventStore.read`: queries of read models on the store's pool.
@Suite("PostgresEventStore.read")
struct PostgresReadModelQueryTests {
    struct Refused: Error, Equatable {}

    static let logger = Logger(label: "chronicle.tests.read")

    @Test func aQuerySeesWhatIsCommittedAndTheBodysErrorsPassThrough() async throws {
        try await withPostgresStore { store, database in
            try await database.withConnection { connection, logger in
                try await connection.query("CREATE TABLE totals (sku text PRIMARY KEY, units bigint NOT NULL)", logger: logger)
                try await connection.query("INSERT INTO totals VALUES ('TEA', 3), ('MUG', 2)", logger: logger)
            }
            let units = try await store.read { connection in
                var units: [String: Int] = [:]
                for try await (sku, count) in try await connection.query(
                    "SELECT sku, units FROM totals", logger: Self.logger
                ).decode((String, Int).self) {
                    units[sku] = count
                }
                return units
            }
            #expect(units == ["TEA": 3, "MUG": 2])
            await #expect(throws: Refused.self) {
                try await store.read { _ -> Int in throw Refused() }
            }
        }
    }

    @Test func aStatementTheServerRefusesIsAReadableEventStoreError() async throws {
        try await withPostgresStore { store, _ in
            let error = await #expect(throws: EventStoreError.self) {
                try await store.read { connection -> Int in
                    _ = try await connection.query("SELECT * FROM no_such_table", logger: Self.logger)
                    return 0
                }
            }
            #expect(error?.message.contains("SQLSTATE 42P01") == true, "\(String(describing: error))")
            #expect(error?.message.contains("no_such_table") == true, "\(String(describing: error))")
            #expect((error?.cause as? PostgresServerError)?.sqlState == "42P01")
            // The pool goes on.
            let one = try await store.read { _ in 1 }
            #expect(one == 1)
        }
    }
}
