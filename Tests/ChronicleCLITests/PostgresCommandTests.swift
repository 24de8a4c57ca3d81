import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Foundation
import PostgresNIO
import PostgresTestSupport
import ProcessTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--store postgres://…` through the built `chronicle` executable, against the
/// real test server (`CHRONICLE_TEST_POSTGRES_URL`), each test on a fresh database.
@Suite("chronicle on PostgreSQL")
struct PostgresCommandTests {
    // MARK: Helpers

    /// The server URL's password: no output may ever contain it.
    static func serverPassword() throws -> String {
        try #require(URLComponents(string: try PostgresTestServer.url)?.password)
    }

    /// The server's URL with another database, password or port.
    static func url(database: String, password: String? = nil, port: Int? = nil) throws -> String {
        var components = try #require(URLComponents(string: try PostgresTestServer.url))
        components.path = "/" + database
        if let password { components.password = password }
        if let port { components.port = port }
        return try #require(components.string)
    }

    /// A location as `chronicle` writes it: the password masked.
    static func masked(_ url: String) -> String {
        StoreLocation(scheme: "postgres", address: url).description
    }

    /// Runs `body` on a fresh database, dropped afterwards.
    static func withDatabase(_ body: (PostgresTestDatabase) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.create()
        do {
            try await body(database)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    /// Whether the database holds Chronicle's tables.
    static func hasChronicleTables(_ database: PostgresTestDatabase) async throws -> Bool {
        let found = Found()
        try await database.withConnection { connection, logger in
            let rows = try await connection.query("SELECT to_regclass('chronicle_events') IS NOT NULL", logger: logger)
            for try await exists in rows.decode(Bool.self) { found.value = exists }
        }
        return found.value
    }

    final class Found: @unchecked Sendable {
        var value = false
    }

    /// A local TCP port nothing listens on: bound, then closed again.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `chronicle`, checks it ended within `seconds` (never a hang: the connect timeout is 10 s;
    /// the bound is loose because a loaded machine starts processes slowly), and that the password appears nowhere.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: String = "chronicle",
        within seconds: Int = 30, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ChronicleProcess.Output {
        let start = ContinuousClock.now
        let output = try await ChronicleProcess.run(arguments, environment: environment, executable: executable)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(seconds), "took \(elapsed): \(output)", sourceLocation: sourceLocation)
        let password = try serverPassword()
        #expect(!output.standardOutput.contains(password), "password in stdout: \(output)", sourceLocation: sourceLocation)
        #expect(!output.standardError.contains(password), "password in stderr: \(output)", sourceLocation: sourceLocation)
        return output
    }

    /// Whether the server has a database of that name.
    static func databaseExists(_ name: String) async throws -> Bool {
        let exists = Found()
        try await PostgresTestServer.endpoint.withConnection { connection in
            let logger = PostgresTestServer.logger
            let rows = try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await count in rows.decode(Int.self) { exists.value = count > 0 }
        }
        return exists.value
    }

    // MARK: Errors

    /// A wrong password, a closed port and a missing database: one line naming
    /// the location (password masked), exit status 1, within seconds.
    @Test func unreachableStoresFailWithOneMaskedLine() async throws {
        let wrongPassword = try Self.url(database: "postgres", password: "not-the-password")
        let refused = try await Self.run(["stats", "--store", wrongPassword])
        Fixtures.expectFailure(refused, status: 1, containing: "PostgreSQL at \(Self.masked(wrongPassword)) refused the login of 'chronicle'")
        #expect(!refused.standardError.contains("not-the-password"))
        #expect(refused.standardError.contains("postgres://chronicle:***@"))

        let port = try Self.closedPort()
        let closed = try Self.url(database: "postgres", port: port)
        let unreachable = try await Self.run(["streams", "list", "--store", closed])
        Fixtures.expectFailure(
            unreachable, status: 1, containing: "cannot reach PostgreSQL at postgres://chronicle:***@127.0.0.1:\(port)/postgres: connection refused")

        let missingName = "chronicle_missing_" + UUID().uuidString.prefix(8).lowercased()
        let missing = try Self.url(database: missingName)
        // CHRONICLE_STORE works as --store does.
        let noDatabase = try await Self.run(["stats", "--json"], environment: ["CHRONICLE_STORE": missing])
        Fixtures.expectFailure(
            noDatabase, status: 1,
            containing: "PostgreSQL at \(Self.masked(missing)) has no database '\(missingName)'")
        // Writing commands do not create a database either.
        let append = try await Self.run(["append", "order-1", "--type", "T", "--data", "{}", "--store", missing])
        Fixtures.expectFailure(append, status: 1, containing: "has no database '\(missingName)'")
    }

    /// A malformed URL is bad input (exit 2) and its message masks the password.
    @Test func aBadURLIsBadInputWithThePasswordMasked() async throws {
        let bad = try Self.url(database: "postgres") + "?pool=0"
        let output = try await Self.run(["stats", "--store", bad])
        Fixtures.expectFailure(output, status: 2, containing: "pool '0' is not a number of connections from 1 to 1000")
        #expect(output.standardError.contains("postgres://chronicle:***@"), "\(output)")
        let unparsable = "postgres://chronicle:se#cr/et@127.0.0.1:1/db"
        let garbled = try await ChronicleProcess.run(["stats", "--store", unparsable])
        #expect(garbled.status == 2, "\(garbled)")
        #expect(!garbled.standardError.contains("se#cr/et"), "\(garbled)")
        #expect(garbled.errorLines.count == 1, "\(garbled)")
    }

    /// A database without Chronicle's tables: reading commands and `import`
    /// refuse it, say how to create the store, and create nothing.
    @Test func aDatabaseWithoutTheStoreIsRefusedUntouched() async throws {
        try await Self.withDatabase { database in
            let masked = Self.masked(database.url)
            for arguments in [["stats"], ["streams", "list"], ["tail"], ["events", "export"]] {
                let output = try await Self.run(arguments + ["--store", database.url])
                Fixtures.expectFailure(
                    output, status: 1, containing: "create one with 'chronicle init --store postgres://chronicle:***@")
                #expect(output.standardError.contains("no store in"), "\(output)")
            }
            let directory = try TemporaryDirectory()
            let file = directory.path("events.jsonl")
            try Data().write(to: URL(fileURLWithPath: file))
            let importing = try await Self.run(["events", "import", file, "--store", database.url])
            Fixtures.expectFailure(importing, status: 1, containing: "no store in")
            #expect(try await Self.hasChronicleTables(database) == false, "\(masked) is left without tables")
            withExtendedLifetime(directory) {}
        }
    }

    /// Read-only opens reach the server with `default_transaction_read_only=on`:
    /// the server itself refuses a write.
    @Test func aReadOnlyOpenCannotWrite() async throws {
        try await Self.withDatabase { database in
            let backend = PostgresBackend()
            let location = try backend.location(parsing: database.url)
            let created = try await backend.open(location, access: .createIfMissing)
            #expect(created.wasCreated)
            created.close()
            let readOnly = try await backend.open(location, access: .readOnly)
            defer { readOnly.close() }
            let error = await #expect(throws: EventStoreError.self) {
                try await readOnly.events.append(
                    [NewEvent(type: "T", data: Data("{}".utf8))], to: try StreamName("order-1"), expecting: .any)
            }
            #expect(error?.code == .readOnly, "\(String(describing: error))")
            #expect(try await readOnly.events.headPosition() == .none, "nothing was written")
        }
    }

    // MARK: Commands

    /// `init`, `append`, `streams list|show`, `stats --json`, `tail` and an app's
    /// `projections list` on a PostgreSQL store.
    @Test func storeCommandsWorkOnAPostgresStore() async throws {
        try await Self.withDatabase { database in
            let url = database.url
            let masked = Self.masked(url)
            let created = try await Self.run(["init", "--store", url])
            #expect(created.status == 0, "\(created)")
            #expect(created.standardOutput == "created store \(masked) (schema version 2)\n")
            let again = try await Self.run(["init", "--json"], environment: ["CHRONICLE_STORE": url])
            #expect(again.standardOutput == #"{"store":"\#(masked)","schemaVersion":2,"created":false}"# + "\n", "\(again)")

            let first = try await Self.run([
                "append", "order-42", "--type", "OrderPlaced", "--data", #"{"customer":"ada","total":30}"#,
                "--expected-version", "no-stream", "--metadata", #"{"correlationId":"req-7"}"#, "--store", url,
            ])
            #expect(first.standardOutput == "appended OrderPlaced to order-42 at version 1, position 1\n", "\(first)")
            let second = try await Self.run([
                "append", "order-42", "--type", "OrderPaid", "--data", #"{"amount":30}"#, "--expected-version", "1",
                "--store", url,
            ])
            #expect(second.standardOutput == "appended OrderPaid to order-42 at version 2, position 2\n", "\(second)")
            let conflict = try await Self.run([
                "append", "order-42", "--type", "OrderPaid", "--data", "{}", "--expected-version", "1", "--store", url,
            ])
            Fixtures.expectFailure(conflict, status: 3, containing: "expected version 1")
            let third = try await Self.run([
                "append", "stock-SKU-7", "--type", "StockReserved", "--data", #"{"qty":2}"#, "--json", "--store", url,
            ])
            #expect(third.standardOutput.hasPrefix(#"{"stream":"stock-SKU-7","version":1,"position":3,"id":""#), "\(third)")

            let streams = try await Self.run(["streams", "list", "--json", "--store", url])
            #expect(streams.status == 0, "\(streams)")
            #expect(streams.outputLines.count == 2)
            #expect(streams.outputLines.first?.hasPrefix(#"{"stream":"order-42","category":"order","version":2,"#) == true)
            #expect(streams.outputLines.last?.hasPrefix(#"{"stream":"stock-SKU-7","category":"stock","version":1,"#) == true)

            let show = try await Self.run(["streams", "show", "order-42", "--store", url])
            #expect(show.status == 0, "\(show)")
            #expect(show.outputLines.first == "order-42  version 2")
            #expect(show.standardOutput.contains("correlation req-7"))
            #expect(show.standardOutput.contains(#""customer": "ada""#))

            let stats = try await Self.run(["stats", "--json", "--store", url])
            #expect(stats.status == 0, "\(stats)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any], "\(stats)")
            #expect(object["store"] as? String == masked)
            #expect(object["schemaVersion"] as? Int == 2)
            #expect(object["events"] as? Int == 3, "\(stats)")
            #expect(object["streams"] as? Int == 2, "\(stats)")

            let tail = try await Self.run(["tail", "--from", "2", "--json", "--store", url])
            #expect(tail.status == 0, "\(tail)")
            #expect(tail.outputLines.count == 2)
            #expect(tail.outputLines.first?.contains(#""position":2"#) == true, "\(tail)")
            #expect(tail.outputLines.last?.contains(#""stream":"stock-SKU-7""#) == true, "\(tail)")

            let directory = try TemporaryDirectory()
            let projections = try await Self.run(
                ["projections", "list", "--json", "--store", url],
                environment: ["TEST_APP_PAYMENTS": directory.path("payments.sqlite")], executable: "ChronicleCLITestApp")
            #expect(projections.status == 0, "\(projections)")
            #expect(projections.outputLines.count == 1, "\(projections)")
            #expect(projections.outputLines.first?.hasPrefix(#"{"name":"payments-log","guarantee":"at-least-once""#) == true)

            // The stores beside the log: checkpoints, dead letters, snapshots.
            for arguments in [["checkpoints", "list", "--json"], ["dlq", "list", "--json"], ["snapshots", "list", "--json"]] {
                let output = try await Self.run(arguments + ["--store", url])
                #expect(output.status == 0, "\(arguments): \(output)")
                #expect(output.outputLines.isEmpty, "\(arguments): \(output)")
            }

            // What only SQLite has: one line and exit status 1.
            let index = try await Self.run(["category-index", "status", "--store", url])
            Fixtures.expectFailure(index, status: 1, containing: "PostgreSQL")
            let backup = try await Self.run(["backup", directory.path("copy.sqlite"), "--store", url])
            Fixtures.expectFailure(backup, status: 1, containing: "PostgreSQL stores cannot be backed up by this command")
        }
    }

    /// `tail --follow` (a read-only store) prints an event another process
    /// appends once it is caught up (woken by LISTEN/NOTIFY, or its polling).
    @Test func tailFollowSeesAnotherProcessesAppend() async throws {
        try await Self.withDatabase { database in
            let url = database.url
            #expect(try await Self.run(["init", "--store", url]).status == 0)
            #expect(try await Self.run(["append", "order-1", "--type", "Placed", "--data", "{}", "--store", url]).status == 0)
            let follower = try ChronicleProcess.start(["tail", "--follow", "--json", "--store", url])
            let watchdog = Task {
                try await Task.sleep(for: .seconds(60))
                follower.signal(SIGKILL)
            }
            defer { watchdog.cancel() }
            // The first event shows the follower is running and caught up.
            let first = try #require(await follower.nextLine(), "the follower printed the first event")
            #expect(first.contains(#""position":1"#), "\(first)")
            let appended = try await Self.run(["append", "order-2", "--type", "Paid", "--data", "{}", "--store", url])
            #expect(appended.status == 0, "\(appended)")
            let second = try #require(await follower.nextLine(), "the follower printed the live event")
            #expect(second.contains(#""stream":"order-2""#) && second.contains(#""position":2"#), "\(second)")
            follower.signal(SIGTERM)
            let ended = await follower.wait()
            #expect(ended.status == 0, "SIGTERM stops tail --follow cleanly")
        }
    }

    // MARK: Moving between backends

    /// SQLite → PostgreSQL → SQLite through `events export` and `import`: the
    /// three exports are identical (streams, versions, ids, types, schema
    /// versions, payloads, metadata, times and position order).
    @Test func exportImportMovesAStoreBetweenBackends() async throws {
        try await Self.withDatabase { database in
            let directory = try TemporaryDirectory()
            let source = directory.path("source.sqlite")
            let events = try await ExportImportTests.makeVariedStore(at: source)
            let fromSQLite = directory.path("from-sqlite.jsonl")
            let fromPostgres = directory.path("from-postgres.jsonl")
            let fromCopy = directory.path("from-copy.jsonl")

            #expect(try await Self.run(["events", "export", "--store", source, "--output", fromSQLite]).status == 0)
            #expect(try await Self.run(["init", "--store", database.url]).status == 0)
            let imported = try await Self.run(["events", "import", fromSQLite, "--store", database.url])
            #expect(imported.status == 0, "\(imported)")
            #expect(
                imported.standardOutput
                    == "imported \(events.count) events (0 already present) from \(fromSQLite); head position is now \(events.count)\n")
            #expect(try await Self.run(["events", "export", "--store", database.url, "--output", fromPostgres]).status == 0)

            let copy = directory.path("copy.sqlite")
            #expect(try await Self.run(["init", "--store", copy]).status == 0)
            #expect(try await Self.run(["events", "import", fromPostgres, "--store", copy]).status == 0)
            #expect(try await Self.run(["events", "export", "--store", copy, "--output", fromCopy]).status == 0)

            let original = try String(contentsOfFile: fromSQLite, encoding: .utf8)
            #expect(original.split(separator: "\n").count == events.count)
            #expect(try String(contentsOfFile: fromPostgres, encoding: .utf8) == original)
            #expect(try String(contentsOfFile: fromCopy, encoding: .utf8) == original)

            let copied = try await Fixtures.readAll(path: copy)
            #expect(copied.map(\.position) == events.map(\.position))
            #expect(copied.map(\.id) == events.map(\.id))
            #expect(copied.map(\.stream) == events.map(\.stream))
            #expect(copied.map(\.version) == events.map(\.version))
            #expect(copied.map(\.data) == events.map(\.data))
            #expect(copied.map(\.metadata) == events.map(\.metadata))
        }
    }

    // MARK: Bench

    /// `bench --store postgres://…/NEW` creates the database for each workload
    /// and drops it afterwards; an existing database is refused (exit 2).
    @Test func benchCreatesAndDropsItsDatabase() async throws {
        let name = "chronicle_bench_" + UUID().uuidString.prefix(8).lowercased()
        let url = try Self.url(database: name)
        let run = try await Self.run(
            ["bench", "--scale", "0.01", "--json", "--durability", "normal", "--workload", "append-batch",
             "projection-rebuild", "--store", url],
            within: 120)
        #expect(run.status == 0, "\(run)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "\(run)")
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["store"] as? String == Self.masked(url))
        #expect((settings["postgresql"] as? String)?.isEmpty == false, "the server's version: \(settings)")
        #expect((object["projection-rebuild"] as? [String: Any])?["events"] as? Int ?? 0 > 0)
        #expect(try await !Self.databaseExists(name), "the bench dropped \(name)")

        try await Self.withDatabase { database in
            let refused = try await Self.run(["bench", "--scale", "0.01", "--store", database.url])
            Fixtures.expectFailure(refused, status: 2, containing: "'\(Self.masked(database.url))' exists")
        }
    }

    /// Ctrl-C during a workload stops the bench with 130 and drops the
    /// database the workload was using.
    @Test func anInterruptedBenchDropsItsDatabase() async throws {
        let name = "chronicle_bench_" + UUID().uuidString.prefix(8).lowercased()
        let bench = try ChronicleProcess.start([
            "bench", "--scale", "1", "--workload", "append-single", "--store", try Self.url(database: name),
        ])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            bench.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        // The workload has begun once its database exists.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !Self.databaseExists(name) {
            try #require(ContinuousClock.now < deadline, "the bench created its database")
            try await Task.sleep(for: .milliseconds(10))
        }
        bench.signal(SIGINT)
        let ended = await bench.wait()
        #expect(ended.status == 130)
        let errors = String(decoding: await bench.standardError.value, as: UTF8.self)
        #expect(errors.contains("chronicle: error: interrupted"), "\(errors)")
        #expect(try await !Self.databaseExists(name), "the interrupted bench dropped \(name)")
    }
}
