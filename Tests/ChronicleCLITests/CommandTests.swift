import Chronicle
@testable import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// The happy path of every command, through the built executable.
@Suite("chronicle commands")
struct CommandTests {
    @Test func initCreatesThenOpensAStore() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let created = try await ChronicleProcess.run(["init", "--store", "sqlite:\(path)"])
        #expect(created.status == 0, "\(created)")
        #expect(created.standardOutput == "created store sqlite:\(path) (schema version 7)\n")
        #expect(FileManager.default.fileExists(atPath: path))
        let again = try await ChronicleProcess.run(["init", "--json"], environment: ["CHRONICLE_STORE": path])
        #expect(again.status == 0, "\(again)")
        #expect(again.standardOutput == #"{"store":"sqlite:\#(path)","schemaVersion":7,"created":false}"# + "\n")
    }

    @Test func appendPrintsPositionAndVersion() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let first = try await ChronicleProcess.run([
            "append", "order-42", "--type", "OrderPlaced", "--data", #"{"customer":"ada"}"#,
            "--metadata", #"{"correlationId":"req-7","headers":{"tenant":"acme"}}"#, "--expected-version", "no-stream",
            "--store", path,
        ])
        #expect(first.status == 0, "\(first)")
        #expect(first.standardOutput == "appended OrderPlaced to order-42 at version 1, position 1\n")
        let id = UUID()
        try Data(#"  {"amount": 30}"#.utf8 + [0x0A]).write(to: directory.url.appendingPathComponent("paid.json"))
        let second = try await ChronicleProcess.run([
            "append", "order-42", "--type", "OrderPaid", "--data", "@" + directory.path("paid.json"),
            "--expected-version", "1", "--id", id.uuidString, "--schema-version", "2", "--json", "--store", path,
        ])
        #expect(second.status == 0, "\(second)")
        #expect(
            second.standardOutput
                == #"{"stream":"order-42","version":2,"position":2,"id":"\#(id.uuidString.lowercased())"}"# + "\n")
        // The same id again is an idempotent retry: the original place comes back.
        let retry = try await ChronicleProcess.run([
            "append", "order-42", "--type", "OrderPaid", "--data", "{}", "--id", id.uuidString, "--expected-version", "1",
            "--store", path,
        ])
        #expect(retry.standardOutput == "appended OrderPaid to order-42 at version 2, position 2\n", "\(retry)")
        let fromStandardInput = try await ChronicleProcess.run(
            ["append", "audit-1", "--type", "Noted", "--data", "-", "--expected-version", "exists", "--store", path],
            standardInput: Data(#"["a", 1]"#.utf8))
        #expect(fromStandardInput.status == 3, "audit-1 does not exist yet: \(fromStandardInput)")
        let anyVersion = try await ChronicleProcess.run(
            ["append", "audit-1", "--type", "Noted", "--data", "-", "--store", path], standardInput: Data(#"["a", 1]"#.utf8))
        #expect(anyVersion.standardOutput == "appended Noted to audit-1 at version 1, position 3\n", "\(anyVersion)")

        let events = try await Fixtures.readAll(path: path)
        #expect(events.map(\.type) == ["OrderPlaced", "OrderPaid", "Noted"])
        #expect(events[0].metadata == EventMetadata(correlationId: "req-7", headers: ["tenant": "acme"]))
        #expect(events[1].id == id)
        #expect(events[1].schemaVersion == 2)
        #expect(events[1].data == Data(#"{"amount": 30}"#.utf8), "surrounding whitespace is trimmed, the JSON kept")
        #expect(events[2].data == Data(#"["a", 1]"#.utf8))
    }

    @Test func streamsListShowsVersionsPagesAndFilters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 42)
        let list = try await ChronicleProcess.run(["streams", "list", "--store", path])
        #expect(list.status == 0, "\(list)")
        let lines = list.outputLines
        #expect(lines.count == 1 + 21, "a header and 21 streams (3 categories × 7 ids): \(list)")
        #expect(lines[0].hasPrefix("STREAM     VERSION  UPDATED"), "\(lines[0])")
        #expect(lines[1].hasPrefix("order-0          2  "), "aligned columns: \(lines[1])")
        #expect(!list.standardOutput.contains("\u{1B}"), "no colour when the output is not a terminal")
        let updated = events.filter { $0.stream.description == "order-0" }.last!.recordedAt
        #expect(lines[1].hasSuffix(Timestamp.format(updated, fractionDigits: 3)))

        let page = try await ChronicleProcess.run(["streams", "list", "--category", "stock", "--limit", "3", "--store", path])
        #expect(page.outputLines.dropFirst().map { String($0.prefix(7)) } == ["stock-0", "stock-1", "stock-2"])
        #expect(page.standardError == "more streams follow: run again with --after stock-2\n", "\(page)")
        let next = try await ChronicleProcess.run([
            "streams", "list", "--category", "stock", "--after", "stock-2", "--json", "--store", path,
        ])
        let objects = try next.outputLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["stream"] as! String } == ["stock-3", "stock-4", "stock-5", "stock-6"])
        #expect(objects.allSatisfy { $0["category"] as? String == "stock" && $0["version"] as? Int == 2 })
        #expect(next.standardError.isEmpty, "\(next)")

        let none = try await ChronicleProcess.run(["streams", "list", "--category", "refund", "--store", path])
        #expect(none.status == 0 && none.standardOutput.isEmpty, "\(none)")
        #expect(none.standardError == "no streams in category 'refund'\n")
    }

    @Test func streamsShowPrettyPrintsAStream() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 100)
        let orderZero = events.filter { $0.stream.description == "order-0" }
        let shown = try await ChronicleProcess.run(["streams", "show", "order-0", "--store", path])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.standardOutput.hasPrefix("order-0  version \(orderZero.count)\n\n#1  Placed  position 1  "))
        #expect(shown.standardOutput.contains("correlation c-0  tenant=acme"))
        #expect(shown.standardOutput.contains("    {\n      \"n\": 0,\n      \"note\": \"é \\\"q\\\" \\\\ /\"\n    }\n"), "\(shown)")

        let json = try await ChronicleProcess.run(["streams", "show", "order-0", "--from", "2", "--limit", "1", "--json", "--store", path])
        #expect(json.outputLines.count == 1, "\(json)")
        #expect(try EventLine.decode(Array(json.outputLines[0].utf8)) == orderZero[1])
        #expect(json.standardError == "more events follow: run again with --from 3\n")
    }

    @Test func tailPrintsTheLogWithFilters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 1_200)
        let all = try await ChronicleProcess.run(["tail", "--json", "--store", path])
        #expect(all.status == 0)
        let decoded = try all.outputLines.map { try EventLine.decode(Array($0.utf8)) }
        #expect(decoded.count == events.count)
        #expect(decoded.elementsEqual(events), "every event, across pages")

        let table = try await ChronicleProcess.run(["tail", "--from", "1199", "--store", path])
        #expect(table.outputLines.count == 3, "\(table)")
        #expect(table.outputLines[0].hasPrefix("POSITION  RECORDED"), "\(table)")
        #expect(table.outputLines[1].hasPrefix("    1199  "))
        #expect(table.outputLines[1].hasSuffix(#"Placed  {"n":1198,"note":"é \"q\" \\ /"}"#), "\(table.outputLines[1])")

        func positions(_ arguments: [String]) async throws -> [Int64] {
            let output = try await ChronicleProcess.run(["tail", "--json", "--store", path] + arguments)
            #expect(output.status == 0, "\(output)")
            return try output.outputLines.map { try EventLine.decode(Array($0.utf8)).position.rawValue }
        }
        let expected = events.filter { $0.stream.category == "stock" && $0.type == "Paid" }.map(\.position.rawValue)
        #expect(try await positions(["--category", "stock", "--type", "Paid"]) == expected)
        let twoStreams = events.filter { ["order-1", "payment-2"].contains($0.stream.description) }.map(\.position.rawValue)
        #expect(try await positions(["--stream", "order-1", "--stream", "payment-2"]) == twoStreams)
        #expect(try await positions(["--from", "600", "--limit", "3"]) == [600, 601, 602])
        #expect(try await positions(["--from-end"]) == [])
    }

    @Test func categoryIndexShowsBuildsAndDropsTheIndex() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let store = try await SQLiteEventStore(path: path)
        try await store.append([NewEvent(type: "A", data: Data("{}".utf8))], to: StreamName("order-1"), expecting: .noStream)
        try store.close()
        let status = try await ChronicleProcess.run(["category-index", "--store", path])
        #expect(status.status == 0 && status.standardOutput == "category index: off\n", "\(status)")
        let on = try await ChronicleProcess.run(["category-index", "on", "--json", "--store", path])
        #expect(on.status == 0 && on.standardOutput == #"{"categoryIndex":true,"changed":true}"# + "\n", "\(on)")
        let again = try await ChronicleProcess.run(["category-index", "on", "--store", path])
        #expect(again.standardOutput == "category index: on\n", "\(again)")
        let reopened = try await SQLiteEventStore(path: path)
        #expect(try await reopened.hasCategoryIndex())
        try reopened.close()
        let off = try await ChronicleProcess.run(["category-index", "off", "--store", path])
        #expect(off.status == 0 && off.standardOutput == "category index: off (was on)\n", "\(off)")
        // A wrong action is bad input: one line, exit 2, the index as it was.
        let wrong = try await ChronicleProcess.run(["category-index", "maybe", "--store", path])
        #expect(wrong.status == 2, "\(wrong)")
        #expect(wrong.standardError.split(separator: "\n").count == 1, "\(wrong)")
        #expect(wrong.standardError.contains("maybe"), "\(wrong)")
        let after = try await SQLiteEventStore(path: path)
        #expect(try await after.hasCategoryIndex() == false)
        try after.close()
        // No store at that path: a failure, and no file is created.
        let missing = try await ChronicleProcess.run(["category-index", "on", "--store", directory.path("none.sqlite")])
        #expect(missing.status == 1 && !FileManager.default.fileExists(atPath: directory.path("none.sqlite")), "\(missing)")
    }

    @Test func statsReportsCountsHeadAndSize() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        let events = try await Fixtures.makeStore(at: path, events: 100)
        let text = try await ChronicleProcess.run(["stats", "--store", path])
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput.contains("events   100\n"), "\(text)")
        #expect(text.standardOutput.contains("streams  21\n"))
        #expect(text.standardOutput.contains("head     position 100, recorded \(Timestamp.format(events[99].recordedAt, fractionDigits: 3))"))
        #expect(text.standardOutput.contains("no projections, consumer groups or other subscribers"))

        let json = try await ChronicleProcess.run([
            "stats", "--json", "--max-lag", "0", "--max-lag-seconds", "0", "--max-dead-letters", "0", "--store", path,
        ])
        #expect(json.status == 0, "no checkpoint or dead letter exists, so no threshold trips: \(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as! [String: Any]
        #expect(object["events"] as? Int == 100)
        #expect(object["streams"] as? Int == 21)
        #expect(object["headPosition"] as? Int == 100)
        #expect(object["headRecordedAt"] as? String == Timestamp.format(events[99].recordedAt))
        #expect(object["schemaVersion"] as? Int == 7)
        let size = try #require(object["sizeBytes"] as? Int)
        #expect(size >= (try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int))
        #expect((object["alerts"] as? [Any])?.isEmpty == true)
    }

    @Test func helpShowsExamplesAndExitCodes() async throws {
        let help = try await ChronicleProcess.run(["--help"])
        #expect(help.status == 0)
        for command in ["init", "append", "streams", "snapshots", "tail", "events", "stats", "checkpoints", "dlq"] {
            #expect(help.standardOutput.contains("  \(command) "), "\(command) is listed")
        }
        #expect(!help.standardOutput.contains("  projections "), "the standalone tool runs no projection code")
        for arguments in [
            ["append", "--help"], ["streams", "list", "--help"], ["snapshots", "list", "--help"],
            ["snapshots", "show", "--help"], ["tail", "--help"], ["events", "import", "--help"],
            ["stats", "--help"], ["checkpoints", "reset", "--help"], ["dlq", "list", "--help"],
        ] {
            let output = try await ChronicleProcess.run(arguments)
            #expect(output.status == 0, "\(arguments): \(output)")
            #expect(output.standardOutput.contains("EXAMPLES"), "\(arguments)")
            #expect(output.standardOutput.contains("EXIT CODES"), "\(arguments)")
            #expect(output.standardOutput.contains("3  conflict"), "\(arguments)")
        }
        let group = try await ChronicleProcess.run(["streams"])
        #expect(group.status == 0 && group.standardOutput.contains("SUBCOMMANDS"), "\(group)")
    }
}
