import Chronicle
import ChroniclePostgres
import Foundation
import Logging
import Testing

/// The code of Docs/PostgreSQL.md, compiled and run against the test server.
@Suite("Docs/PostgreSQL.md examples")
struct PostgresGuideTests {
    @Test func openingAStoreAndAppending() async throws {
        let database = try await PostgresTestDatabase.create()
        let event = NewEvent(type: "OrderPlaced", data: Data("{}".utf8))
        do {
            // The guide's URL, pointed at the test database.
            let store = try await PostgresEventStore(url: database.url)
            defer { store.close() }
            try await store.append([event], to: try StreamName("order-42"), expecting: .noStream)
            #expect(try await store.streamVersion(StreamName("order-42")) == 1)
        }
        try await database.drop()
    }

    @Test func watchingTheAppendLock() async throws {
        try await withPostgresStore { store, _ in
            let logger = Logger(label: "guide")
            let status = try await store.appendLockStatus()
            if let age = status.holderAge, age > .seconds(5), let pid = status.holderProcessId {
                logger.warning("appends wait on session \(pid), open for \(age)")
            }
            #expect(status.holderAge == nil, "no append is running")
        }
    }

    @Test func theLocationIsShownWithItsPasswordMasked() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app:secret@db.internal:5432/orders?sslmode=require")
        #expect(configuration.description == "postgres://app:***@db.internal:5432/orders?sslmode=require")
        #expect(configuration.password == "secret")
        #expect(configuration.tls == .require)
    }

    @Test(arguments: [
        ("mysql://app@host/db", "it must start with postgres://"),
        ("postgres:///db", "it names no host"),
        ("postgres://host/db", "it names no user"),
        ("postgres://app:pw@host/db?sslmode=sometimes", "sslmode 'sometimes' is not one of"),
        ("postgres://app:pw@host/db?pool=0", "pool '0' is not a number of connections"),
        ("postgres://app:pw@host/db?colour=blue", "unknown parameter 'colour'"),
    ])
    func aBadURLIsRefusedWithoutShowingItsPassword(url: String, reason: String) throws {
        let error = try #require(throws: EventStoreError.self) { try PostgresConfiguration(url: url) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains(reason), "\(error.message)")
        #expect(!error.message.contains(":pw@"), "the password is masked: \(error.message)")
    }

    @Test func aWrongPasswordIsOneClearErrorAndNothingIsCreated() async throws {
        let database = try await PostgresTestDatabase.create()
        var components = try #require(URLComponents(string: database.url))
        components.password = "not-the-password"
        let error = await #expect(throws: EventStoreError.self) {
            try await PostgresEventStore(url: components.string!)
        }
        #expect(error?.code == .storageUnavailable)
        #expect(error?.message.contains("refused the login") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("not-the-password") == false)
        // Nothing was created: opening without creating finds no store.
        let missing = await #expect(throws: EventStoreError.self) {
            try await database.openStore(options: .init(createIfMissing: false))
        }
        #expect(missing?.code == .notAChronicleStore)
        try await database.drop()
    }

    @Test func anUnreachableServerFailsWithinTheTimeout() async throws {
        let started = ContinuousClock.now
        // Port 1 on loopback: nothing listens there.
        let error = await #expect(throws: EventStoreError.self) {
            try await PostgresEventStore(url: "postgres://app:secret@127.0.0.1:1/orders?connect_timeout=3")
        }
        #expect(error?.code == .storageUnavailable)
        #expect(error?.message.contains("cannot reach PostgreSQL at postgres://app:***@127.0.0.1:1/orders") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(30), "never a hang: the connect timeout is 3 s")
    }

    @Test func aMissingDatabaseIsNamed() async throws {
        var components = try #require(URLComponents(string: try PostgresTestServer.url))
        components.path = "/chronicle_no_such_database"
        let error = await #expect(throws: EventStoreError.self) {
            try await PostgresEventStore(url: components.string!)
        }
        #expect(error?.message.contains("has no database 'chronicle_no_such_database'") == true, "\(error?.message ?? "")")
    }
}
