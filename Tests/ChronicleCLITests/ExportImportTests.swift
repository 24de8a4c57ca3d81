import Chronicle
import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `events export` and `events import`: exact round trips, resumption, refusals.
@Suite("chronicle events export and import")
struct ExportImportTests {
    /// A store whose events exercise every field: payloads that are compact JSON,
    /// JSON with line breaks or surrounding spaces, binary, empty; metadata of
    /// every shape; schema versions; old, new and sub-second times.
    static func makeVariedStore(at path: String) async throws -> [EventRecord] {
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        let times: [Double] = [-0.000_001, 0, 1_234_567_890.123_456, 4_102_444_800.999_999]
        let old = try times.enumerated().map { index, seconds in
            EventRecord(
                position: GlobalPosition(Int64(index + 1)), stream: try StreamName("legacy-\(index % 2)"),
                version: Int64(index / 2 + 1), id: UUID(), type: "Imported\(index)", schemaVersion: 3,
                data: Data(#"{"at":\#(seconds)}"#.utf8), metadata: EventMetadata(causationId: "cmd-\(index)"),
                recordedAt: Date(timeIntervalSince1970: (seconds * 1_000_000).rounded() / 1_000_000))
        }
        try await store.importEvents(old, positions: .keep)
        let payloads: [Data] = [
            Data(#"{"customer":"ada","lines":[{"sku":"A-1","qty":2}],"total":30.5,"gift":false,"note":null}"#.utf8),
            Data("{\n  \"pretty\": true,\n  \"text\": \"two\\nlines\"\n}".utf8),
            Data(#"  {"padded":1}  "#.utf8),
            Data([0x00, 0xFF, 0xFE, 0x0A, 0x22, 0x7B]),
            Data(),
            Data(#""just a string with \u2028 and é""#.utf8),
            Data("[1,2,3]".utf8),
            Data("{\"tab\":\"\\t\",\"ctrl\":\"\\u0001\",\"emoji\":\"🎉\"}".utf8),
        ]
        let metadata: [EventMetadata] = [
            .empty, EventMetadata(correlationId: "req-7"),
            EventMetadata(correlationId: "c", causationId: "k", headers: ["tenant": "acme", "trace": "a\"b\\c\n"]),
        ]
        for (index, payload) in payloads.enumerated() {
            let stream = try StreamName(["order-42-b", "ünïcode-ïd ✓", "order-7"][index % 3])
            try await store.append(
                [NewEvent(type: "Type \(index) ✓", schemaVersion: 1 + index % 3, data: payload, metadata: metadata[index % 3])],
                to: stream, expecting: .any)
        }
        let all = try await Fixtures.readAll(store)
        try store.close()
        return all
    }

    @Test func exportThenImportReproducesEveryEventExactly() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.path("source.sqlite")
        let copy = directory.path("copy.sqlite")
        let file = directory.path("export.jsonl")
        let events = try await Self.makeVariedStore(at: source)

        let export = try await ChronicleProcess.run(["events", "export", "--store", source, "--output", file])
        #expect(export.status == 0, "\(export)")
        #expect(export.standardError == "exported 12 events (positions 1–12) to \(file)\n")
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == events.count)
        #expect(lines[4].contains(#""data":{"customer":"ada","lines":[{"sku":"A-1","qty":2}],"total":30.5,"gift":false,"note":null}"#), "data is the stored JSON itself")
        #expect(lines[5].contains(#""dataBase64":"#), "JSON with line breaks keeps its bytes as base64")
        #expect(lines[7].contains(#""dataBase64":"AP/+CiJ7""#), "binary data as base64")
        #expect(lines[0].hasSuffix(#""metadata":{"causationId":"cmd-0"},"recordedAt":"1969-12-31T23:59:59.999999Z"}"#), "\(lines[0])")

        #expect(try await ChronicleProcess.run(["init", "--store", copy]).status == 0)
        let imported = try await ChronicleProcess.run(["events", "import", file, "--store", copy, "--batch-size", "5"])
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.standardOutput == "imported 12 events (0 already present) from \(file); head position is now 12\n")

        let copied = try await Fixtures.readAll(path: copy)
        #expect(copied.count == events.count)
        for (original, copy) in zip(events, copied) {
            #expect(copy.position == original.position)
            #expect(copy.stream == original.stream)
            #expect(copy.version == original.version)
            #expect(copy.id == original.id)
            #expect(copy.type == original.type)
            #expect(copy.schemaVersion == original.schemaVersion)
            #expect(copy.data == original.data, "data of \(original.type)")
            #expect(copy.metadata == original.metadata)
            #expect(copy.recordedAt == original.recordedAt, "recordedAt of \(original.type)")
        }
        let sourceStore = try await SQLiteEventStore(path: source)
        let copyStore = try await SQLiteEventStore(path: copy)
        #expect(
            try await copyStore.streams(category: nil, after: nil, limit: 100)
                == sourceStore.streams(category: nil, after: nil, limit: 100), "stream versions and update times")
        #expect(try await copyStore.statistics() == sourceStore.statistics())
        try sourceStore.close()
        try copyStore.close()

        // Exporting the copy gives the same bytes; piping one tool into another works too.
        let again = try await ChronicleProcess.run(["events", "export", "--store", copy])
        #expect(again.standardOutput == (try String(contentsOfFile: file, encoding: .utf8)))
        let piped = directory.path("piped.sqlite")
        #expect(try await ChronicleProcess.run(["init", "--store", piped]).status == 0)
        let fromStandardInput = try await ChronicleProcess.run(
            ["events", "import", "-", "--store", piped, "--json"], standardInput: Data(again.standardOutput.utf8))
        #expect(fromStandardInput.standardOutput == #"{"imported":12,"skipped":0,"lines":12,"headPosition":12}"# + "\n")
        #expect(try await Fixtures.readAll(path: piped) == events)
    }

    @Test func importWithAppendAddsEventsAfterTheHead() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.path("source.sqlite")
        let target = directory.path("target.sqlite")
        let file = directory.path("export.jsonl")
        let events = try await Fixtures.makeStore(at: source, events: 20)
        #expect(try await ChronicleProcess.run(["events", "export", "--store", source, "-o", file]).status == 0)
        for index in 1...2 {
            #expect(try await ChronicleProcess.run(["append", "audit-\(index)", "--type", "Noted", "--data", "{}", "--store", target]).status == 0)
        }
        let imported = try await ChronicleProcess.run(["events", "import", file, "--append", "--store", target])
        #expect(imported.standardOutput == "imported 20 events (0 already present) from \(file); head position is now 22\n", "\(imported)")
        let rerun = try await ChronicleProcess.run(["events", "import", file, "--append", "--store", target])
        #expect(rerun.standardOutput == "imported 0 events (20 already present) from \(file); head position is now 22\n", "\(rerun)")
        let stored = Array(try await Fixtures.readAll(path: target).dropFirst(2))
        #expect(stored.map(\.position.rawValue) == Array(3...22))
        #expect(stored.map(\.id) == events.map(\.id))
        #expect(stored.map(\.version) == events.map(\.version))
        #expect(stored.map(\.recordedAt) == events.map(\.recordedAt))
        #expect(stored.map(\.data) == events.map(\.data))
    }

    @Test func aSliceKeepsItsPositionsOnlyWithAppend() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.path("source.sqlite")
        let target = directory.path("target.sqlite")
        let events = try await Fixtures.makeStore(at: source, events: 10)
        let slice = try await ChronicleProcess.run(["events", "export", "--from", "3", "--to", "5", "--store", source])
        #expect(slice.outputLines.count == 3)
        #expect(slice.standardError == "exported 3 events (positions 3–5)\n")
        #expect(try await ChronicleProcess.run(["init", "--store", target]).status == 0)
        let refused = try await ChronicleProcess.run(
            ["events", "import", "-", "--store", target], standardInput: Data(slice.standardOutput.utf8))
        Fixtures.expectFailure(
            refused, status: 2,
            containing: "line 1: the file starts at position 3, but an empty store starts at 1: positions cannot be kept; use --append")
        let appended = try await ChronicleProcess.run(
            ["events", "import", "-", "--append", "--store", target], standardInput: Data(slice.standardOutput.utf8))
        // Versions must continue their streams: events 3…5 are the first of their streams.
        #expect(appended.status == 0, "\(appended)")
        #expect(try await Fixtures.readAll(path: target).map(\.id) == events[2...4].map(\.id))
    }

    @Test func aMalformedLineStopsAfterTheLastGoodBatch() async throws {
        let directory = try TemporaryDirectory()
        let source = directory.path("source.sqlite")
        let target = directory.path("target.sqlite")
        let events = try await Fixtures.makeStore(at: source, events: 20)
        var lines = try await ChronicleProcess.run(["events", "export", "--store", source]).outputLines
        lines[12] = String(lines[12].dropLast(3))  // line 13 loses its closing characters
        let file = directory.path("broken.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await ChronicleProcess.run(["init", "--store", target]).status == 0)
        let column = lines[12].utf8.count + 1
        // The default batch (500 lines) holds line 13: nothing is written (Docs/CLI.md's example).
        let whole = try await ChronicleProcess.run(["events", "import", file, "--store", target])
        #expect(whole.status == 2, "\(whole)")
        #expect(
            whole.errorLines == [
                "chronicle: error: line 13: invalid JSON: unterminated string, found the end of the line at column "
                    + "\(column); nothing was imported"
            ], "\(whole)")
        #expect(try await Fixtures.readAll(path: target).isEmpty)
        let output = try await ChronicleProcess.run(["events", "import", file, "--batch-size", "5", "--store", target])
        Fixtures.expectFailure(
            output, status: 2,
            containing: "line 13: invalid JSON: unterminated string, found the end of the line at column \(column); "
                + "lines 1–10 were imported (10 new, 0 already present), nothing after")
        #expect(try await Fixtures.readAll(path: target) == Array(events[..<10]))

        // Lines that are JSON but not events say which member is wrong.
        let cases: [(String, String)] = [
            (#"{"position":1}"#, #"line 1: member "stream" is missing"#),
            (lines[0].replacingOccurrences(of: #""version":1"#, with: #""version":"1""#), #"member "version" must be an integer"#),
            (lines[0].replacingOccurrences(of: #""stream":""#, with: #""stream":"-"#), "invalid stream name '-order-0'"),
            (lines[0].replacingOccurrences(of: "Z\"}", with: "\"}"), "is not an ISO-8601 time"),
            (lines[0].replacingOccurrences(of: #""metadata":{"#, with: #""metadata":{"headers":3,"#), #"member "metadata" must be an object"#),
            ("[" + lines[0] + "]", "expected a JSON object"),
        ]
        let empty = directory.path("empty.sqlite")
        #expect(try await ChronicleProcess.run(["init", "--store", empty]).status == 0)
        for (line, message) in cases {
            let output = try await ChronicleProcess.run(["events", "import", "-", "--store", empty], standardInput: Data((line + "\n").utf8))
            Fixtures.expectFailure(output, status: 2, containing: message)
        }
        #expect(try await Fixtures.readAll(path: empty).isEmpty)
    }

    @Test func anImportKilledHalfWayEndsWithEveryEventOnceWhenRunAgain() async throws {
        let directory = try TemporaryDirectory()
        let target = directory.path("target.sqlite")
        let file = directory.path("big.jsonl")
        // 3,000 events of 40 streams, written straight in the export format.
        let start: Int64 = 1_700_000_000_000_000  // microseconds, which SQLite keeps exactly
        let padding = String(repeating: "x", count: 200)
        var records: [EventRecord] = []
        for index in 0..<3_000 {
            let stream = try StreamName(category: "order", id: String(index % 40))
            let data = Data("{\"n\":\(index),\"pad\":\"\(padding)\"}".utf8)
            records.append(
                EventRecord(
                    position: GlobalPosition(Int64(index + 1)), stream: stream, version: Int64(index / 40 + 1),
                    id: UUID(), type: "Filled", schemaVersion: 1, data: data, metadata: .empty,
                    recordedAt: Date(timeIntervalSince1970: Double(start + Int64(index) * 1_234) / 1_000_000)))
        }
        try (records.map(EventLine.encode).joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await ChronicleProcess.run(["init", "--store", target]).status == 0)

        // One event per transaction, a line per batch on stdout. The test stops
        // reading after 50 lines, so the import soon blocks on the full pipe,
        // somewhere after batch 50 and long before the end; then it is killed.
        let running = try ChronicleProcess.start([
            "events", "import", file, "--batch-size", "1", "--verbose", "--store", target,
        ])
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            running.signal(SIGKILL)
        }
        for _ in 0..<50 { _ = try #require(await running.nextLine()) }
        running.signal(SIGKILL)
        let ending = await running.wait()
        watchdog.cancel()
        #expect(ending.reason == .uncaughtSignal && ending.status == SIGKILL)
        let partial = try await Fixtures.readAll(path: target)
        #expect(partial.count >= 50 && partial.count < records.count, "killed half-way: \(partial.count) events")
        #expect(partial.elementsEqual(records[..<partial.count]), "what was written is a prefix, batch by batch")

        let rerun = try await ChronicleProcess.run(["events", "import", file, "--store", target])
        #expect(rerun.status == 0, "\(rerun)")
        let summary = "imported \(grouped(records.count - partial.count)) events "
            + "(\(grouped(partial.count)) already present) from \(file); head position is now 3000\n"
        #expect(rerun.standardOutput == summary)
        let final = try await Fixtures.readAll(path: target)
        #expect(final.count == records.count)
        #expect(final.elementsEqual(records), "every event exactly once, in order, every field")
    }
}

/// `12345` → `"12,345"`, as the tool prints counts.
private func grouped(_ value: Int) -> String {
    let digits = String(value)
    var grouped = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
        grouped.append(character)
    }
    return grouped
}
