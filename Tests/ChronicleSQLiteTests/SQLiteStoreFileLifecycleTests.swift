import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import Testing

@_spi(Testing) @testable import ChronicleSQLite

/// What a store leaves on disk: a closed store is one self-contained file, a
/// read-only store changes nothing, and a backup of a store being written is
/// a consistent, self-contained copy.
@Suite("SQLite store files: close, read-only, backup")
struct SQLiteStoreFileLifecycleTests {
    /// Appends `count` events, 25 per stream over `streams` streams, in batches.
    private static func fill(_ store: SQLiteEventStore, events count: Int, streams: Int = 8) async throws {
        for n in stride(from: 0, to: count, by: 25) {
            let stream = try StreamName("account-\(n / 25 % streams)")
            let batch = (n..<min(count, n + 25)).map { NewEvent(type: "Deposited", data: Data("{\"n\":\($0)}".utf8)) }
            try await store.append(batch, to: stream, expecting: .any)
        }
    }

    private static func walSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
    }

    /// The issue: after close a 4 KiB file stood beside a 3 MB `-wal`, and a copy
    /// of the file alone held no event. Fails without the close-time checkpoint
    /// (and the writer closing after every reader).
    @Test func closeLeavesOneSelfContainedFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bank.sqlite")
        let store = try await SQLiteEventStore(path: path)
        try await Self.fill(store, events: 2_000)
        // Readers of both kinds open too: the store's own (log reads) and the
        // pool's (catalog, checkpoints); the pool's closed after its writer.
        _ = try await store.readAll(from: 1, limit: 10)
        _ = try await store.streams(category: nil, after: nil, limit: 10)
        _ = try await store.checkpoints.checkpoints()
        #expect(Self.walSize(path) > 0, "the appends went to the WAL")
        try store.close()
        #expect(Self.walSize(path) == 0, "no WAL content after close")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the last connection removed the WAL")

        let copies = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: path, toPath: copies.path("copy.sqlite"))
        let copy = try await SQLiteEventStore(path: copies.path("copy.sqlite"))
        #expect(try await copy.headPosition() == 2_000)
        #expect(try await copy.readAll(from: 1_991, limit: 100).count == 10)
        try copy.close()
    }

    /// Another store in the same process keeps the file open: closing one
    /// empties the WAL without waiting and without disturbing the other.
    @Test func closingOneOfTwoStoresOnAFileKeepsTheOtherWorking() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.sqlite")
        let first = try await SQLiteEventStore(path: path)
        let second = try await SQLiteEventStore(path: path)
        try await Self.fill(first, events: 500)
        try first.close()
        #expect(Self.walSize(path) == 0, "the checkpoint ran while the other store was idle")
        try await Self.fill(second, events: 100)
        #expect(try await second.headPosition() == 600)
        try second.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A read-only store on a cleanly closed file: the file's bytes and the
    /// directory's listing are the same afterwards; a write through it fails
    /// with `readOnly`.
    @Test func aReadOnlyStoreLeavesACleanlyClosedFileAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bank.sqlite")
        let writer = try await SQLiteEventStore(path: path)
        try await Self.fill(writer, events: 300)
        try await writer.checkpoints.save(120, named: "ledger")
        try writer.close()
        let before = try DirectoryContents(of: directory.path(""))
        #expect(before.files.keys.sorted() == ["bank.sqlite"])

        let reader = try await SQLiteEventStore(path: path, options: .init(readOnly: true))
        #expect(try await reader.headPosition() == 300)
        #expect(try await reader.readAll(from: 1, limit: 1_000).count == 300)
        #expect(try await reader.streams(category: nil, after: nil, limit: 100).count == 8)
        #expect(try await reader.checkpoints.checkpoints().map(\.name) == ["ledger"])
        #expect(try await reader.deadLetters.deadLetters(consumer: nil, limit: 10).isEmpty)
        #expect(try await reader.schemaVersion() == Int(SQLiteSchema.currentVersion))
        let error = try await #require(throws: EventStoreError.self) {
            try await reader.append(
                [NewEvent(type: "Deposited", data: Data("{}".utf8))], to: try StreamName("account-9"),
                expecting: .noStream)
        }
        #expect(error.code == .readOnly, "\(error)")
        await #expect(throws: EventStoreError.self) { try await reader.checkpoints.save(1, named: "other") }
        try reader.close()
        #expect(try DirectoryContents(of: directory.path("")) == before)
    }

    /// A read-only store opened on a cleanly closed file, then written by
    /// another store, sees the new events: reading never freezes a snapshot.
    @Test func aReadOnlyStoreSeesEventsCommittedWhileItIsOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("live.sqlite")
        let setup = try await SQLiteEventStore(path: path)
        try await Self.fill(setup, events: 50)
        try setup.close()

        let reader = try await SQLiteEventStore(path: path, options: .init(readOnly: true))
        #expect(try await reader.headPosition() == 50)
        let writer = try await SQLiteEventStore(path: path)
        try await Self.fill(writer, events: 75)
        #expect(try await reader.headPosition() == 125)
        #expect(try await reader.readAll(from: 51, limit: 100).count == 75)
        try reader.close()
        #expect(try await writer.headPosition() == 125, "the writer goes on after the reader closes")
        try writer.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A read-only open of a file at schema 4 is refused with `schemaTooOld`,
    /// and the file is not migrated (its bytes stay the same).
    @Test func aReadOnlyOpenRefusesAnOlderSchemaWithoutMigrating() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v4.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-lean-events-v1")
            try pool.close()
        }
        let before = try DirectoryContents(of: directory.path(""))
        let error = try await #require(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: path, options: .init(readOnly: true))
        }
        #expect(error.code == .schemaTooOld)
        #expect(error.message.contains("schema version 4, older than the \(SQLiteSchema.currentVersion)"), "\(error)")
        #expect(try DirectoryContents(of: directory.path("")) == before)
        let missing = try await #require(throws: EventStoreError.self) {
            try await SQLiteEventStore(path: directory.path("none.sqlite"), options: .init(readOnly: true))
        }
        #expect(missing.code == .storageUnavailable)
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.sqlite")))
    }

    /// A backup taken while another store appends: the copy opens, its log is
    /// a prefix of the source's with no hole, every stream's version matches
    /// its events, the checkpoint is there, and it is one file (no `-wal`).
    @Test func aBackupOfAStoreBeingWrittenIsConsistent() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bank.sqlite")
        let store = try await SQLiteEventStore(path: path)
        try await Self.fill(store, events: 400)
        try await store.checkpoints.save(400, named: "ledger")

        let writer = try await SQLiteEventStore(path: path)
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let appending = Task {
            defer { startedContinuation.finish() }  // a failing writer ends the wait below
            var round = 0
            while !Task.isCancelled {
                try await Self.fill(writer, events: 50, streams: 3)
                round += 1
                // An uncontended append completes without suspending: without
                // this the loop keeps a thread of the cooperative pool (two on
                // a 2-core machine) to itself and the backup never runs.
                await Task.yield()
                if round == 2 { startedContinuation.yield() }
            }
        }
        defer { appending.cancel() }  // also when an expectation below throws
        for await _ in started { break }
        let backups = try TemporaryDirectory()
        let destination = backups.path("bank-copy.sqlite")
        let backup = try await store.backup(to: destination)
        appending.cancel()
        try? await appending.value
        #expect(backup.eventCount >= 500, "the backup saw the writer's first rounds")
        #expect(backup.schemaVersion == Int(SQLiteSchema.currentVersion))
        #expect(try DirectoryContents(of: backups.path("")).files.keys.sorted() == ["bank-copy.sqlite"])

        let source = try await store.readAll(from: 1, limit: 100_000)
        let copy = try await SQLiteEventStore(path: destination, options: .init(readOnly: true))
        let copied = try await copy.readAll(from: 1, limit: 100_000)
        #expect(copied.count == backup.eventCount)
        #expect(copied.map(\.position) == (1...Int64(copied.count)).map { GlobalPosition($0) }, "no hole")
        #expect(copied.map(\.id) == source.prefix(copied.count).map(\.id), "a prefix of the source's log")
        let counts = Dictionary(grouping: copied, by: \.stream).mapValues(\.count)
        for info in try await copy.streams(category: nil, after: nil, limit: 100) {
            #expect(info.version == Int64(counts[info.stream] ?? -1), "\(info.stream)")
            let versions = try await copy.readStream(info.stream, from: 1, direction: .forward, limit: 100_000)
                .map(\.version)
            #expect(versions == Array(1...info.version))
        }
        #expect(try await copy.checkpoints.checkpoint(named: "ledger")?.position == 400)
        try copy.close()

        let existing = try Data(contentsOf: URL(fileURLWithPath: destination))
        let refused = try await #require(throws: EventStoreError.self) { try await store.backup(to: destination) }
        #expect(refused.code == .invalidArgument)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == existing, "an existing file is kept")
        try writer.close()
        try store.close()
    }
}
