import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// Mistyped commands and out-of-range numbers: each names what is wrong on one
/// line, exits with 2, and changes nothing in the store.
@Suite("chronicle argument errors")
struct ArgumentErrorTests {
    /// Runs `chronicle` and expects exactly `line` on standard error, nothing on
    /// standard output, and exit code 2.
    private func expectBadInput(
        _ arguments: [String], _ line: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let output = try await ChronicleProcess.run(arguments)
        #expect(output.status == 2, "\(arguments): \(output)", sourceLocation: sourceLocation)
        #expect(output.errorLines == [line], "\(arguments): \(output)", sourceLocation: sourceLocation)
        #expect(output.standardOutput.isEmpty, "\(arguments): \(output)", sourceLocation: sourceLocation)
    }

    @Test func anUnknownSubcommandIsNamedWhateverFollowsIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        // ArgumentParser named the option after the word ("Unknown option '--store'").
        try await expectBadInput(
            ["streams", "lst", "--store", path],
            "chronicle: error: unknown subcommand 'lst' of 'chronicle streams': its subcommands are list and show "
                + "(see 'chronicle streams --help')")
        try await expectBadInput(
            ["dlq", "lst", "--subscriber", "x", "--store", path],
            "chronicle: error: unknown subcommand 'lst' of 'chronicle dlq': its subcommands are list, show, retry "
                + "and purge (see 'chronicle dlq --help')")
        try await expectBadInput(
            ["strems", "list", "--store", path],
            "chronicle: error: unknown subcommand 'strems' of 'chronicle': its subcommands are init, append, "
                + "streams, snapshots, tail, events, stats, checkpoints, dlq, category-index, backup, bus and bench (see 'chronicle --help')")
        // An unknown option of a known subcommand is still ArgumentParser's message.
        try await expectBadInput(
            ["streams", "list", "--stor", path],
            "chronicle: error: Unknown option '--stor'. Did you mean '--store'? (see 'chronicle streams list --help')")
        #expect(try await Fixtures.readAll(path: path).count == 3)
    }

    @Test func negativeNumbersAreValuesThatTheOptionRejects() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        // Each said "Missing value for '--…'" before: the number was taken for an option.
        let cases: [([String], String)] = [
            (["tail", "--from", "-5"], "--from must be a position of 0 or more, got -5 (--from-end starts after the last event)"),
            (["tail", "--limit", "-1"], "--limit must be at least 1, got -1"),
            (["stats", "--max-lag", "-1"], "--max-lag must be 0 or more, got -1"),
            (["stats", "--max-lag-seconds", "-0.5"], "--max-lag-seconds must be 0 or more, got -0.5"),
            (["stats", "--max-dead-letters", "-2"], "--max-dead-letters must be 0 or more, got -2"),
            (["streams", "list", "--limit", "-10"], "--limit must be at least 1, got -10"),
            (["streams", "show", "order-0", "--from", "-1"], "--from must be a version of 0 or more, got -1"),
            (["events", "export", "--from", "-1"], "--from must be a position of 0 or more, got -1"),
            (["events", "export", "--to", "-1"], "--to must be a position of 0 or more, got -1"),
            (["events", "import", "-", "--batch-size", "-5"], "--batch-size must be between 1 and 10000, got -5"),
            (["dlq", "list", "--limit", "-1"], "--limit must be at least 1, got -1"),
            (
                ["append", "order-9", "--type", "T", "--data", "{}", "--expected-version", "-1"],
                "--expected-version '-1' is not a version number (0 or more), any, no-stream or exists"
            ),
            (["append", "order-9", "--type", "T", "--data", "{}", "--schema-version", "-1"], "--schema-version must be 1 or more, got -1"),
            (["append", "order-9", "--type", "T", "--data", "{}", "--schema-version", "0"], "--schema-version must be 1 or more, got 0"),
        ]
        for (arguments, message) in cases {
            try await expectBadInput(arguments + ["--store", path], "chronicle: error: " + message)
        }
        // bench makes stores of its own (a temporary file without --store).
        try await expectBadInput(
            ["bench", "--scale", "-1"], "chronicle: error: --scale must be above 0 and at most 100, got -1.0")
        // An option given no value at all still says so.
        try await expectBadInput(
            ["tail", "--store", path, "--from"],
            "chronicle: error: Missing value for '--from <position>' (see 'chronicle tail --help')")
        #expect(try await Fixtures.readAll(path: path).count == 3, "nothing was written")
    }

    @Test func anEmptyTypeIsNamedWithoutAnEventId() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        // The store names a UUID the user never gave ("event 4416… has an invalid type name ''"),
        // and the store file was created first.
        try await expectBadInput(
            ["append", "order-1", "--type", "", "--data", "{}", "--store", path],
            "chronicle: error: --type '' is not a valid type name: 1 to 256 bytes, no control characters")
        try await expectBadInput(
            ["append", "order-1", "--type", "Order\tPlaced", "--data", "{}", "--store", path],
            "chronicle: error: --type 'Order\tPlaced' is not a valid type name: 1 to 256 bytes, no control characters")
        #expect(!FileManager.default.fileExists(atPath: path), "no store was created")
    }
}
