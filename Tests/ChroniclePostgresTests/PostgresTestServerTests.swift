import Foundation
import PostgresNIO
import Testing

/// The harness every PostgreSQL test stands on: the server Scripts/test.sh starts,
/// a fresh database per test, and the failures when the server is not named.
@Suite struct PostgresTestServerTests {
    @Test func databasesAreFreshDistinctReachableAndDropped() async throws {
        let first = try await PostgresTestDatabase.create()
        let second = try await PostgresTestDatabase.create()
        #expect(first.database != second.database)
        #expect(first.database.wholeMatch(of: /chronicle_test_[0-9a-f]{16}/) != nil)
        let server = try PostgresTestServer.endpoint
        #expect(first.endpoint == server.with(database: first.database))

        // Each answers as itself, and what one holds the other does not.
        #expect(try await currentDatabase(first) == first.database)
        #expect(try await currentDatabase(second) == second.database)
        try await first.withConnection { connection in
            try await connection.query("CREATE TABLE only_here (id int)", logger: PostgresTestServer.logger)
        }
        #expect(try await tableCount(named: "only_here", in: first) == 1)
        #expect(try await tableCount(named: "only_here", in: second) == 0)

        try await first.drop()
        try await second.drop()
        try await first.drop()  // a second drop does nothing

        // A dropped database refuses connections: invalid_catalog_name (3D000).
        for dropped in [first, second] {
            let error = await #expect(throws: PSQLError.self) { try await currentDatabase(dropped) }
            #expect(error?.serverInfo?[.sqlState] == "3D000")
        }
    }

    @Test func theURLOfADatabaseNamesItWithTheServersCredentials() async throws {
        try await withTestDatabase { db in
            let parsed = try PostgresEndpoint(url: db.url)
            #expect(parsed == db.endpoint)
            #expect(db.url.hasSuffix("/" + db.database))
            #expect(db.username == (try PostgresTestServer.endpoint).username)
            // A connection made from the URL alone reaches the database.
            #expect(try await currentDatabase(PostgresTestDatabase(endpoint: parsed, slot: PostgresTestSlot())) == db.database)
        }
    }

    @Test func withTestDatabaseDropsItWhenTheBodyThrows() async throws {
        struct BodyFailed: Error {}
        var used: PostgresTestDatabase?
        await #expect(throws: BodyFailed.self) {
            try await withTestDatabase { db in
                used = db
                #expect(try await currentDatabase(db) == db.database)
                throw BodyFailed()
            }
        }
        let db = try #require(used)
        let error = await #expect(throws: PSQLError.self) { try await currentDatabase(db) }
        #expect(error?.serverInfo?[.sqlState] == "3D000")
    }

    @Test func theServerIsPostgreSQL14OrNewer() async throws {
        let version = try await withTestDatabase { db in
            try await db.withConnection { connection in
                let rows = try await connection.query(
                    "SELECT current_setting('server_version_num')::int", logger: PostgresTestServer.logger
                ).collect()
                return try #require(rows.first).decode(Int.self)
            }
        }
        #expect(version >= 140000)
    }

    @Test func withoutTheVariableTheTestsFailSayingWhatToDo() throws {
        for environment in [[:], [PostgresTestServer.environmentVariable: ""]] {
            let error = #expect(throws: PostgresTestServerError.self) {
                try PostgresTestServer.url(in: environment)
            }
            #expect(error?.description.contains("set CHRONICLE_TEST_POSTGRES_URL or run Scripts/test.sh") == true)
        }
    }

    @Test(arguments: [
        ("http://chronicle:pw@127.0.0.1:5432/postgres", "is not a postgres:// URL"),
        ("postgres://chronicle:pw@:5432/postgres", "names no host"),
        ("postgres://127.0.0.1:5432/postgres", "names no user"),
        ("postgres://chronicle:pw@127.0.0.1:5432", "names no database"),
        ("postgres://chronicle:pw@127.0.0.1:5432/", "names no database"),
    ])
    func aURLWithoutAPartIsRefusedNamingIt(url: String, message: String) throws {
        let environment = [PostgresTestServer.environmentVariable: url]
        let error = #expect(throws: PostgresTestServerError.self) {
            try PostgresEndpoint(url: PostgresTestServer.url(in: environment))
        }
        #expect(error?.description.contains(message) == true)
    }

    @Test func aURLsPartsArePercentDecodedAndThePortDefaults() throws {
        let endpoint = try PostgresEndpoint(url: "postgresql://app%40x:p%2Fw%3A@db.example/events")
        #expect(endpoint == PostgresEndpoint(
            host: "db.example", port: 5432, username: "app@x", password: "p/w:", database: "events"))
        #expect(try PostgresEndpoint(url: endpoint.url) == endpoint)
    }
}

private func currentDatabase(_ db: PostgresTestDatabase) async throws -> String {
    try await db.withConnection { connection in
        let rows = try await connection.query("SELECT current_database()", logger: PostgresTestServer.logger).collect()
        return try #require(rows.first).decode(String.self)
    }
}

private func tableCount(named name: String, in db: PostgresTestDatabase) async throws -> Int {
    try await db.withConnection { connection in
        let rows = try await connection.query(
            "SELECT count(*)::int FROM pg_tables WHERE tablename = \(name)", logger: PostgresTestServer.logger
        ).collect()
        return try #require(rows.first).decode(Int.self)
    }
}
