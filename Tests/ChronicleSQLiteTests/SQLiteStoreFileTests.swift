import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@_spi(Testing) @testable import ChronicleSQLite

/// What the SQLite store does with the file it is given: persistence, durability
/// settings, and files it must refuse without changing them.
@Suite("SQLite store files")
struct SQLiteStoreFileTests {
    @Test func reopeningAStoreKeepsEveryEvent() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let stream = try StreamName("order-1")
        let events = (0..<20).map { NewEvent(type: "E\($0)", data: Data("{\"n\":\($0)}".utf8)) }
        do {
            let store = try await SQLiteEventStore(path: path)
            try await store.append(events, to: stream, expecting: .noStream)
            try store.close()
        }
        let reopened = try await SQLiteEventStore(path: path)
        let read = try await reopened.readStream(stream, from: 1, direction: .forward, limit: 100)
        #expect(read.map(\.id) == events.map(\.id))
        #expect(read.map(\.data) == events.map(\.data))
        #expect(try await reopened.headPosition() == 20)
        #expect(try await reopened.schemaVersion() == Int(SQLiteSchema.currentVersion))
        // Appending continues where the first session stopped.
        let next = try await reopened.append([events[0].withNewId()], to: stream, expecting: .exactly(20))
        #expect(next.positions == GlobalPosition(21)...GlobalPosition(21))
        try reopened.close()
    }

    /// Text is bound from the strings' own bytes with their lengths: names outside
    /// ASCII, and one-byte ones, come back byte for byte from every read.
    @Test func textOutsideASCIIRoundTrips() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("text.sqlite"))
        let streams = try ["commandée-été-🙂", "x-1", "注文-四二"].map { try StreamName($0) }
        let types = ["CommandePassée", "A", "注文された🙂"]
        for (stream, type) in zip(streams, types) {
            try await store.append([NewEvent(type: type, data: Data("{}".utf8))], to: stream, expecting: .noStream)
        }
        for (stream, type) in zip(streams, types) {
            let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 10)
            #expect(read.map(\.type) == [type])
            #expect(read.map(\.stream) == [stream])
            let listed = try await store.streams(category: stream.category, after: nil, limit: 10)
            #expect(listed.map(\.stream) == [stream])
        }
        #expect(try await store.readAll(from: 1, limit: 10).map(\.type) == types)
        try store.close()
    }

    @Test func aClosedStoreSaysSo() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("closed.sqlite"))
        try store.close()
        let error = try await #require(throws: EventStoreError.self) { try await store.headPosition() }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.hasSuffix("is closed"), "got: \(error.message)")
    }

    @Test func durabilityIsFullByDefaultOnTheWriter() async throws {
        let directory = try TemporaryDirectory()
        let full = try await SQLiteEventStore(path: directory.path("full.sqlite"))
        #expect(try await full.writerSynchronousSetting() == 2, "synchronous=FULL on the writer")
        let normal = try await SQLiteEventStore(
            path: directory.path("normal.sqlite"), options: .init(durability: .normal))
        #expect(try await normal.writerSynchronousSetting() == 1, "synchronous=NORMAL on the writer")
        let journal = try await full.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test func anEmptySQLiteDatabaseIsInitialised() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("empty.sqlite")
        try DatabaseQueue(path: path).close()
        let store = try await SQLiteEventStore(path: path)
        try await store.append([NewEvent(type: "A", data: Data())], to: StreamName("a-1"), expecting: .noStream)
        let applicationID = try await store.pool.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") }
        #expect(applicationID == SQLiteSchema.applicationID)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("notes.sqlite")
        let contents = Data(String(repeating: "these are my notes, not a database\n", count: 200).utf8)
        try contents.write(to: URL(fileURLWithPath: path))
        let error = try await #require(throws: EventStoreError.self) { try await SQLiteEventStore(path: path) }
        #expect(error.code == .notAChronicleStore)
        #expect(error.message.contains("not a SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == contents)
    }

    @Test func anotherApplicationsDatabaseIsRefusedUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ada')")
            }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try await #require(throws: EventStoreError.self) { try await SQLiteEventStore(path: path) }
        #expect(error.code == .notAChronicleStore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let journal = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "delete", "the other database was not switched to WAL")
    }

    @Test func aTruncatedStoreIsRefusedUnchanged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("truncated.sqlite")
        try await Self.makeStore(at: path, events: 2_000)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = full.prefix(full.count / 2)
        try truncated.write(to: URL(fileURLWithPath: path))
        let error = try await #require(throws: EventStoreError.self) { try await SQLiteEventStore(path: path) }
        #expect(error.code == .corruptStore)
        #expect(error.message.contains("truncated"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == truncated)
    }

    @Test func damagedPagesGiveATypedErrorNeverACrash() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("damaged.sqlite")
        try await Self.makeStore(at: path, events: 2_000)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pageSize = 4096
        // Overwrite pages in the middle of the event table with garbage.
        let start = pageSize * (bytes.count / pageSize / 2)
        bytes.replaceSubrange(start..<start + 8 * pageSize, with: Data(repeating: 0xA5, count: 8 * pageSize))
        try bytes.write(to: URL(fileURLWithPath: path))
        let error = try await #require(throws: EventStoreError.self) { try await SQLiteEventStore(path: path) }
        #expect(error.code == .corruptStore, "got \(error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)

        // Past the integrity-check limit the store opens, and the damage surfaces
        // as a typed error on the read that meets it.
        do {
            let store = try await SQLiteEventStore(path: path, options: .init(integrityCheckLimit: 0))
            var count = 0
            for try await _ in store.events() { count += 1 }
            Issue.record("reading a damaged store succeeded with \(count) events")
        } catch let error as EventStoreError {
            #expect(error.code == .corruptStore || error.code == .corruptRecord, "got \(error)")
        }
    }

    @Test func aNewerSchemaIsRefusedUnchanged() async throws {
        let directory = try TemporaryDirectory()
        for (name, change) in [
            ("user-version", "PRAGMA user_version = 99"),
            ("migration", "INSERT INTO grdb_migrations (identifier) VALUES ('chronicle-v99-from-the-future')"),
        ] {
            let path = directory.path("\(name).sqlite")
            try await Self.makeStore(at: path, events: 3)
            let queue = try DatabaseQueue(path: path)
            try await queue.writeWithoutTransaction { try $0.execute(sql: change) }
            try queue.close()
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = try await #require(throws: EventStoreError.self) { try await SQLiteEventStore(path: path) }
            #expect(error.code == .schemaTooNew, "\(name): \(error)")
            #expect(error.message.contains("upgrade Chronicle"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(name): file changed")
        }
    }

    @Test func unreachableLocationsGiveStorageUnavailable() async throws {
        let missingDirectory = "/nonexistent-\(UUID().uuidString)/events.sqlite"
        let error = try await #require(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: missingDirectory)
        }
        #expect(error.code == .storageUnavailable)
        #expect(error.message.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: missingDirectory))

        // /proc accepts no new files, not even from root: a read-only location on any Linux.
        let readOnly = "/proc/chronicle-\(UUID().uuidString).sqlite"
        let readOnlyError = try await #require(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: readOnly)
        }
        #expect(readOnlyError.code == .storageUnavailable || readOnlyError.code == .readOnly, "got \(readOnlyError)")

        let directory = try TemporaryDirectory()
        let directoryError = try await #require(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: directory.url.path)
        }
        #expect(directoryError.code == .storageUnavailable)
    }

    @Test func aFullStoreFailsWithStorageFullAndRecovers() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(path: directory.path("full.sqlite"), options: .init(durability: .normal))
        let stream = try StreamName("blob-1")
        try await store.append([NewEvent(type: "Small", data: Data(count: 100))], to: stream, expecting: .noStream)
        // Cap the file a few pages above its current size (the writer connection's limit).
        try await store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 6)")
        }
        var version: Int64 = 1
        let error = try await #require(throws: EventStoreError.self) {
            while true {
                let batch = (0..<3).map { _ in NewEvent(type: "Big", data: Data(count: 6_000)) }
                version = try await store.append(batch, to: stream, expecting: .exactly(version)).version
            }
        }
        #expect(error.code == .storageFull)
        #expect(try await store.streamVersion(stream) == version, "the failed batch left nothing")
        let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 1_000)
        #expect(read.count == Int(version), "reads still work")
        try await store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1000000") }
        let after = try await store.append(
            [NewEvent(type: "Big", data: Data(count: 6_000))], to: stream, expecting: .exactly(version))
        #expect(after.version == version + 1, "appends succeed again once there is room")
    }

    @Test func theMaximumEventSizeIsConfigurable() async throws {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteEventStore(
            path: directory.path("small.sqlite"), options: .init(maximumEventSize: 100))
        let stream = try StreamName("order-1")
        let metadata = EventMetadata(headers: ["note": String(repeating: "x", count: 60)])
        let error = try await #require(throws: EventStoreError.self) {
            try await store.append(
                [NewEvent(type: "A", data: Data(count: 50), metadata: metadata)], to: stream, expecting: .any)
        }
        #expect(error.code == .eventTooLarge, "data plus metadata counts against the limit")
        try await store.append([NewEvent(type: "A", data: Data(count: 100))], to: stream, expecting: .any)
        #expect(try await store.headPosition() == 1)
        await #expect(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: directory.path("bad.sqlite"), options: .init(maximumEventSize: 0))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("bad.sqlite")))
    }

    static func makeStore(at path: String, events count: Int) async throws {
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        for start in stride(from: 0, to: count, by: 100) {
            let batch = (start..<min(count, start + 100)).map {
                NewEvent(type: "Filled", data: Data("{\"n\":\($0),\"pad\":\"\(String(repeating: "p", count: 400))\"}".utf8))
            }
            try await store.append(batch, to: StreamName("fill-\(start / 100)"), expecting: .noStream)
        }
        // Fold the WAL into the main file so that the file alone holds the store.
        try await store.pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
        try store.close()
    }
}

extension NewEvent {
    func withNewId() -> NewEvent {
        NewEvent(type: type, schemaVersion: schemaVersion, data: data, metadata: metadata)
    }
}

/// Rows damaged behind the store's back (another tool, a bad disk): the read
/// that meets one gets a typed error naming it, never a crash, and the rest of
/// the store keeps working.
@Suite("SQLite store with damaged rows")
struct SQLiteDamagedRowTests {
    @Test(arguments: [
        ("metadata", "UPDATE chronicle_events SET metadata = X'FF00FF' WHERE position = 2", "unreadable metadata"),
        ("event id", "UPDATE chronicle_events SET event_id = X'010203' WHERE position = 2", "not 16 bytes"),
        ("stream", "UPDATE chronicle_events SET stream = 'nodash' WHERE position = 2", "stream name 'nodash' is invalid"),
    ])
    func aDamagedRowIsACorruptRecordAndTheRestReads(column: String, damage: String, message: String) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("rows.sqlite")
        let store = try await SQLiteEventStore(path: path)
        let stream = try StreamName("order-1")
        try await store.append(
            (0..<3).map { NewEvent(type: "E\($0)", data: Data("{}".utf8), metadata: EventMetadata(correlationId: "c")) },
            to: stream, expecting: .noStream)
        try store.close()
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.writeWithoutTransaction { try $0.execute(sql: damage) }
            try queue.close()
        }
        let reopened = try await SQLiteEventStore(path: path)
        let error = try await #require(throws: EventStoreError.self, "\(column)") {
            try await reopened.readAll(from: .start, limit: 10)
        }
        #expect(error.code == .corruptRecord, "\(column): \(error)")
        #expect(error.message.contains(message), "\(column): \(error.message)")
        // Around the damage the log reads, and the store appends.
        #expect(try await reopened.readAll(from: 3, limit: 10).map(\.type) == ["E2"])
        #expect(try await reopened.readAll(from: 1, limit: 1).map(\.type) == ["E0"])
        try await reopened.append([NewEvent(type: "After", data: Data())], to: StreamName("order-2"), expecting: .noStream)
        #expect(try await reopened.headPosition() == 4)
        try reopened.close()
    }
}
