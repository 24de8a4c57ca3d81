import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// Every documented exit code, with the one-line message that goes with it.
@Suite("chronicle exit codes")
struct ExitCodeTests {
    @Test func badInputExitsWithTwo() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        let cases: [([String], String)] = [
            (["append", "order42", "--type", "T", "--data", "{}"], "invalid stream name 'order42': it has no '-'"),
            (["append", "order-1", "--type", "T", "--data", #"{"a":}"#], "--data is not valid JSON: unexpected character '}' at column 6"),
            (["append", "order-1", "--type", "T", "--data", "{}", "--metadata", #"{"headers":{"a":1}}"#], "--metadata must be a JSON object"),
            (["append", "order-1", "--type", "T", "--data", "{}", "--expected-version", "soon"], "--expected-version 'soon' is not a version number"),
            (["append", "order-1", "--type", "T", "--data", "{}", "--id", "42"], "--id '42' is not a UUID"),
            (["append", "order-1", "--type", "", "--data", "{}"], "--type '' is not a valid type name: 1 to 256 bytes, no control characters"),
            (["append", "order-1", "--data", "{}"], "Missing expected argument '--type <type>' (see 'chronicle append --help')"),
            (["streams", "list", "--limit", "0"], "--limit must be at least 1, got 0"),
            (["streams", "list", "--category", "a-b"], "invalid category 'a-b'"),
            (["streams", "lst"], "unknown subcommand 'lst' of 'chronicle streams': its subcommands are list and show (see 'chronicle streams --help')"),
            (["tail", "--from", "x"], "The value 'x' is invalid for '--from <position>'"),
            (["tail", "--from", "3", "--from-end"], "give --from or --from-end, not both"),
            (["events", "export", "--from", "5", "--to", "2"], "--to 2 is before --from 5"),
            (["events", "import", directory.path("missing.jsonl")], "cannot read import file"),
            (["stats", "--max-lag=-1"], "--max-lag must be 0 or more"),
        ]
        for (arguments, message) in cases {
            let output = try await ChronicleProcess.run(arguments + ["--store", path])
            Fixtures.expectFailure(output, status: 2, containing: message)
        }
        let unknownScheme = try await ChronicleProcess.run(["stats", "--store", "mysql://db/events"])
        Fixtures.expectFailure(unknownScheme, status: 2, containing: "unknown store scheme 'mysql'")
        let noStore = try await ChronicleProcess.run(["stats"])
        Fixtures.expectFailure(noStore, status: 2, containing: "no store given: pass --store sqlite:PATH or set CHRONICLE_STORE")
        #expect(try await Fixtures.readAll(path: path).count == 3, "nothing was written")
    }

    @Test func conflictsExitWithThree() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 3)
        let stale = try await ChronicleProcess.run([
            "append", "order-0", "--type", "T", "--data", "{}", "--expected-version", "0", "--store", path,
        ])
        Fixtures.expectFailure(stale, status: 3, containing: "stream 'order-0' expected version 0 but is at version 1")
        let exists = try await ChronicleProcess.run([
            "append", "order-9", "--type", "T", "--data", "{}", "--expected-version", "exists", "--store", path,
        ])
        Fixtures.expectFailure(exists, status: 3, containing: "expected version stream exists but is at version 0")
        let duplicate = try await ChronicleProcess.run([
            "append", "order-9", "--type", "T", "--data", "{}", "--id", events[0].id.uuidString, "--store", path,
        ])
        Fixtures.expectFailure(duplicate, status: 3, containing: "event \(events[0].id.uuidString.lowercased()) is already stored")

        // An import into a store that holds other events is refused.
        let export = directory.path("other.jsonl")
        let otherPath = directory.path("other.sqlite")
        try await Fixtures.makeStore(at: otherPath, events: 5)
        #expect(try await ChronicleProcess.run(["events", "export", "--store", otherPath, "-o", export]).status == 0)
        let refused = try await ChronicleProcess.run(["events", "import", export, "--store", path])
        Fixtures.expectFailure(
            refused, status: 3, containing: "line 1: the store already holds events (head position 3) that did not come from this file")
        // With --append, a stream that would not continue at the file's versions is a conflict.
        let clash = try await ChronicleProcess.run(["events", "import", export, "--append", "--store", path])
        Fixtures.expectFailure(clash, status: 3, containing: "line 1: imported event \(try readFirstId(export)) is version 1 of stream 'order-0', which expected version 0 but is at version 1")
        #expect(try await Fixtures.readAll(path: path) == events, "nothing was written")
    }

    private func readFirstId(_ path: String) throws -> String {
        let line = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        return try EventLine.decode(Array(line.utf8)).id.uuidString.lowercased()
    }

    @Test func otherFailuresExitWithOne() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        let empty = try await ChronicleProcess.run(["streams", "show", "order-5", "--store", path])
        Fixtures.expectFailure(empty, status: 1, containing: "stream 'order-5' has no events")
        let noDirectory = try await ChronicleProcess.run([
            "append", "order-1", "--type", "T", "--data", "{}", "--store", directory.path("nowhere/events.sqlite"),
        ])
        Fixtures.expectFailure(noDirectory, status: 1, containing: "directory '\(directory.path("nowhere"))' does not exist")
        let unwritable = try await ChronicleProcess.run([
            "events", "export", "--store", path, "--output", directory.path("nowhere/out.jsonl"),
        ])
        Fixtures.expectFailure(unwritable, status: 1, containing: "cannot create '\(directory.path("nowhere/out.jsonl")).partial'")
    }

    /// A provider bound around an in-process run reports a lagging projection
    /// (thresholds tripped by real checkpoints and dead letters, through the
    /// executable, are in StandaloneProjectionCommandTests).
    @Test func exceededThresholdsExitWithFour() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await Fixtures.makeStore(at: path, events: 3)
        let provider = ConsumerStatusProvider { opened in
            let head = try await opened.store.headPosition()
            return [
                ConsumerStatus(
                    kind: .projection, name: "order-summary", checkpoint: 1, lagEvents: head.rawValue - 1,
                    lagSeconds: 42, deadLetters: 2)
            ]
        }
        func stats(_ thresholds: [String]) async -> Int32 {
            await ChronicleCommands.$consumerStatusProviders.withValue([provider]) {
                await CommandRunner.run(TestRoot.self, arguments: ["stats", "--store", path, "--json"] + thresholds, backends: [SQLiteBackend()])
            }
        }
        #expect(await stats([]) == 0)
        #expect(await stats(["--max-lag", "2", "--max-lag-seconds", "42", "--max-dead-letters", "2"]) == 0)
        #expect(await stats(["--max-lag", "1"]) == 4)
        #expect(await stats(["--max-lag-seconds", "41.5"]) == 4)
        #expect(await stats(["--max-dead-letters", "0"]) == 4)
        #expect(ExitStatus.alert.rawValue == 4)
    }

    @Test func thresholdsNameWhatTheyExceed() {
        let statuses = [
            ConsumerStatus(kind: .projection, name: "totals", checkpoint: 10, lagEvents: 1_500, lagSeconds: 95, deadLetters: 0),
            ConsumerStatus(kind: .consumerGroup, name: "billing", checkpoint: 900, lagEvents: 3, lagSeconds: nil, deadLetters: 4),
        ]
        let thresholds = AlertThresholds(maxLag: 1_000, maxLagSeconds: 60, maxDeadLetters: 1)
        #expect(thresholds.alerts(for: statuses) == [
            "projection 'totals' is 1,500 events behind (max 1,000)",
            "projection 'totals' is 1m 35s behind (max 1m 0s)",
            "consumer group 'billing' has 4 dead letters (max 1)",
        ])
        #expect(AlertThresholds().alerts(for: statuses).isEmpty)
    }

    @Test func errorReportsMapStoreErrorsToExitCodes() {
        let stream = try! StreamName("order-1")
        #expect(ErrorReport(EventStoreError.wrongExpectedVersion(stream: stream, expected: .noStream, actual: 2)).status == .conflict)
        #expect(ErrorReport(EventStoreError.duplicateEvent(id: UUID(), stream: stream)).status == .conflict)
        #expect(ErrorReport(EventStoreError.invalidStreamName("x", reason: "no dash")).status == .badInput)
        #expect(ErrorReport(EventStoreError.invalidArgument("limit")).status == .badInput)
        #expect(ErrorReport(EventStoreError(code: .corruptStore, message: "damaged\nbadly")).message == "damaged badly")
        #expect(ErrorReport(EventStoreError(code: .storageFull, message: "full")).status == .failure)
        #expect(ErrorReport(CommandError(.alert, nil)).message == nil)
        #expect(ErrorReport(CancellationError()).status == .failure)
        #expect(ErrorReport(ProjectionError(code: .unknownProjection, message: "no projection named 'x'")).status == .badInput)
        #expect(ErrorReport(ProjectionError(code: .stopped, message: "stopped\nat 3")).message == "stopped at 3")
        #expect(ErrorReport(CommandError(.interrupted, "rebuild interrupted")).status.rawValue == 130)
    }
}

/// A root command like the one an app builds around ChronicleCLI.
struct TestRoot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle", subcommands: ChronicleCommands.storeCommands)
}
