import Chronicle
import ChronicleTesting
import Foundation
import GRDB
import ProcessTestSupport
import Testing

@_spi(Testing) @testable import ChronicleSQLite

/// Commands that only read leave the store's files alone.
@Suite("chronicle read-only commands")
struct StoreFileCommandTests {
    /// Every command Docs/CLI.md lists as reading only.
    static let readOnlyCommands: [[String]] = [
        ["stats"], ["stats", "--json"], ["streams", "list"], ["streams", "show", "order-1"], ["tail"],
        ["tail", "--json"], ["events", "export"], ["checkpoints", "list"], ["dlq", "list"], ["dlq", "show", "1"],
        ["category-index"], ["category-index", "status", "--json"],
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
        for arguments in [["stats"], ["streams", "list"]] {
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
}
