import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import ProcessTestSupport
import Testing

@_spi(Testing) @testable import ChronicleSQLite

/// Commands that only read leave the store's files alone; `chronicle backup`
/// copies a store that another writer is using.
@Suite("chronicle read-only commands and backup")
struct StoreFileCommandTests {
    /// Every command Docs/CLI.md lists as reading only.
    static let readOnlyCommands: [[String]] = [
        ["stats"], ["stats", "--json"], ["streams", "list"], ["streams", "show", "order-1"], ["tail"],
        ["tail", "--json"], ["events", "export"], ["checkpoints", "list"], ["dlq", "list"], ["dlq", "show", "1"],
        ["category-index"], ["category-index", "status", "--json"], ["snapshots", "list"],
    ]

    /// The issue: `chronicle stats` on a closed store wrote a 117 KiB `-wal`.
    /// Each read-only command leaves the file's bytes and the directory listing
    /// exactly as they were.
    @Test func readOnlyCommandsLeaveACleanlyClosedStoreAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bank.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 300)
        do {
            let store = try await SQLiteEventStore(path: path)
            try await store.checkpoints.save(120, named: "ledger")
            _ = try await store.deadLetters.park(events[3], consumer: "mailer", error: "smtp down", attempts: 3)
            try store.close()
        }
        let before = try DirectoryContents(of: directory.path(""))
        #expect(before.files.keys.sorted() == ["bank.sqlite"], "a closed store is one file: \(before)")
        for arguments in Self.readOnlyCommands {
            let output = try await ChronicleProcess.run(arguments + ["--store", "sqlite:\(path)"])
            #expect(output.status == 0, "\(arguments): \(output)")
            let after = try DirectoryContents(of: directory.path(""))
            #expect(after == before, "\(arguments) changed the store's files: \(after)")
        }
    }

    /// An app's `projections list|status` leave the store's files as they
    /// were too (its read models may live elsewhere: only the store's files
    /// are compared).
    @Test func projectionsListAndStatusLeaveTheStoreAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 40)
        #expect(try await ProjectionFixtures.app(["projections", "catch-up"], store: path).status == 0)
        func storeFiles() throws -> [String: Data] {
            try DirectoryContents(of: directory.path("")).files.filter { $0.key.hasPrefix("shop.sqlite") && !$0.key.contains(".payments") }
        }
        let before = try storeFiles()
        #expect(before.keys.sorted() == ["shop.sqlite"])
        for arguments in [["projections", "list"], ["projections", "status"], ["projections", "status", "--json"]] {
            let output = try await ProjectionFixtures.app(arguments, store: path)
            #expect(output.status == 0, "\(arguments): \(output)")
            #expect(try storeFiles() == before, "\(arguments) changed the store's files")
        }
    }

    /// Read-only commands on a store another process is writing see its
    /// committed events, each time they run.
    @Test func readOnlyCommandsSeeWhatALiveWriterCommitted() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("live.sqlite")
        try await Fixtures.makeStore(at: path, events: 30)
        let writer = try await SQLiteEventStore(path: path)
        defer { try? writer.close() }
        for expected in [40, 60] {
            let stream = try StreamName("account-\(expected)")
            try await writer.append(
                (0..<(expected == 40 ? 10 : 20)).map { _ in NewEvent(type: "Deposited", data: Data("{}".utf8)) },
                to: stream, expecting: .noStream)
            let stats = try await ChronicleProcess.run(["stats", "--json", "--store", path])
            #expect(stats.status == 0, "\(stats)")
            let object = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
            #expect(object?["events"] as? Int == expected, "\(stats.standardOutput)")
            let tail = try await ChronicleProcess.run(["tail", "--store", path])
            #expect(tail.outputLines.count == expected + 1, "a header and one line per event: \(tail)")
        }
    }

    /// A read-only command on a store at an older schema says it needs
    /// migrating, on one line, exits with 1, and migrates nothing; `init` does.
    @Test func aReadOnlyCommandOnAnOlderSchemaSaysItNeedsMigrating() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("v4.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "chronicle-lean-events-v1")
            try pool.close()
        }
        let before = try DirectoryContents(of: directory.path(""))
        for arguments in [["stats"], ["streams", "list"], ["backup", directory.path("copy.sqlite")]] {
            let output = try await ChronicleProcess.run(arguments + ["--store", path])
            Fixtures.expectFailure(
                output, status: 1,
                containing: "store '\(path)' has schema version 4, older than the \(SQLiteSchema.currentVersion)")
            #expect(output.standardError.contains("chronicle init"), "says how to migrate: \(output)")
            #expect(try DirectoryContents(of: directory.path("")) == before, "\(arguments) changed the files")
        }
        #expect(try await ChronicleProcess.run(["init", "--store", path]).status == 0)
        #expect(try await ChronicleProcess.run(["stats", "--store", path]).status == 0)
    }

    /// A backup taken by `chronicle backup` while this process appends to the
    /// store: the copy is one file, opens, and holds a hole-free prefix of the
    /// log with every stream's version and the checkpoint; what it prints
    /// matches the copy. An existing destination is refused with exit 2.
    @Test func backupCopiesAStoreBeingWritten() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bank.sqlite")
        try await Fixtures.makeStore(at: path, events: 500)
        let writer = try await SQLiteEventStore(path: path)
        try await writer.checkpoints.save(500, named: "ledger")
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let appending = Task {
            defer { startedContinuation.finish() }  // a failing writer ends the wait below
            var round = 0
            while !Task.isCancelled {
                let stream = try StreamName("account-\(round % 5)")
                try await writer.append(
                    (0..<20).map { _ in NewEvent(type: "Deposited", data: Data(#"{"amount":1}"#.utf8)) },
                    to: stream, expecting: .any)
                round += 1
                // An uncontended append completes without suspending: without
                // this the loop keeps a thread of the cooperative pool (two on
                // a 2-core machine) to itself and the backup never runs.
                await Task.yield()
                if round == 3 { startedContinuation.yield() }
            }
        }
        defer { appending.cancel() }  // also when an expectation below throws
        for await _ in started { break }
        let backups = try TemporaryDirectory()
        let destination = backups.path("bank-copy.sqlite")
        let output = try await ChronicleProcess.run(["backup", destination, "--store", "sqlite:\(path)", "--json"])
        appending.cancel()
        try? await appending.value
        #expect(output.status == 0, "\(output)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
        let copiedCount = try #require(summary["events"] as? Int)
        #expect(copiedCount >= 560, "the copy has the writer's first rounds: \(output)")
        #expect(summary["destination"] as? String == destination)
        #expect(summary["schemaVersion"] as? Int == Int(SQLiteSchema.currentVersion))
        #expect(summary["size"] as? Int == (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int))
        #expect(try DirectoryContents(of: backups.path("")).files.keys.sorted() == ["bank-copy.sqlite"])

        let source = try await Fixtures.readAll(writer)
        let copy = try await SQLiteEventStore(path: destination, options: .init(readOnly: true))
        let copied = try await Fixtures.readAll(copy)
        #expect(copied.count == copiedCount)
        #expect(copied.map(\.id) == source.prefix(copied.count).map(\.id), "a hole-free prefix of the log")
        let counts = Dictionary(grouping: copied, by: \.stream).mapValues(\.count)
        for info in try await copy.streams(category: nil, after: nil, limit: 100) {
            #expect(info.version == Int64(counts[info.stream] ?? -1), "\(info.stream)")
        }
        #expect(try await copy.checkpoints.checkpoint(named: "ledger")?.position == 500)
        try copy.close()
        try writer.close()

        let kept = try Data(contentsOf: URL(fileURLWithPath: destination))
        let again = try await ChronicleProcess.run(["backup", destination, "--store", path])
        Fixtures.expectFailure(again, status: 2, containing: "'\(destination)' exists: a backup never overwrites a file")
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == kept)
        let text = try await ChronicleProcess.run(["backup", backups.path("second.sqlite"), "--store", path])
        #expect(text.status == 0, "\(text)")
        #expect(text.outputLines.first?.hasPrefix("backed up sqlite:\(path) to \(backups.path("second.sqlite")): ") == true)
    }
}
