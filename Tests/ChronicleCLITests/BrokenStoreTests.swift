import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

/// Missing, empty, corrupt and foreign store files: one clear line, a non-zero
/// exit, no stack trace, and no file created or changed.
@Suite("chronicle on missing and broken stores")
struct BrokenStoreTests {
    static let readingCommands: [[String]] = [
        ["streams", "list"], ["streams", "show", "order-1"], ["tail"], ["tail", "--follow"], ["events", "export"],
        ["stats"],
    ]

    @Test func aMissingStoreIsNeverCreatedByReadingCommands() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing.sqlite")
        let importFile = directory.path("events.jsonl")
        try Data().write(to: URL(fileURLWithPath: importFile))
        for arguments in Self.readingCommands + [["events", "import", importFile]] {
            let output = try await ChronicleProcess.run(arguments + ["--store", "sqlite:\(path)"])
            Fixtures.expectFailure(
                output, status: 1,
                containing: "no store at '\(path)': create one with 'chronicle init --store sqlite:\(path)'")
            #expect(!FileManager.default.fileExists(atPath: path), "\(arguments) created the store")
        }
        let emptyFile = directory.path("empty.sqlite")
        try Data().write(to: URL(fileURLWithPath: emptyFile))
        let output = try await ChronicleProcess.run(["stats", "--store", emptyFile])
        Fixtures.expectFailure(output, status: 1, containing: "store file '\(emptyFile)' is empty: initialise it with 'chronicle init")
        #expect(try Data(contentsOf: URL(fileURLWithPath: emptyFile)).isEmpty)
    }

    @Test func corruptAndForeignFilesGiveOneLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 2_000)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        let truncated = directory.path("truncated.sqlite")
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: truncated))
        var damagedBytes = good
        let pageSize = 4096
        let start = pageSize * (good.count / pageSize / 2)
        damagedBytes.replaceSubrange(start..<start + 8 * pageSize, with: Data(repeating: 0xA5, count: 8 * pageSize))
        let damaged = directory.path("damaged.sqlite")
        try damagedBytes.write(to: URL(fileURLWithPath: damaged))
        let notes = directory.path("notes.sqlite")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: notes))

        let cases = [
            (truncated, "store '\(truncated)' is truncated"), (damaged, "store '\(damaged)' is damaged"),
            (notes, "'\(notes)' is not a SQLite database"), (directory.path(""), "is a directory"),
        ]
        for (file, message) in cases {
            let before = try? Data(contentsOf: URL(fileURLWithPath: file))
            for arguments in Self.readingCommands + [["init"], ["append", "order-1", "--type", "T", "--data", "{}"]] {
                let output = try await ChronicleProcess.run(arguments + ["--store", file])
                Fixtures.expectFailure(output, status: 1, containing: message)
            }
            #expect((try? Data(contentsOf: URL(fileURLWithPath: file))) == before, "\(file) was changed")
        }
    }
}
