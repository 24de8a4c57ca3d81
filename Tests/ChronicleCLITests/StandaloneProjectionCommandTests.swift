import Chronicle
import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `chronicle checkpoints`, `dlq` and `stats` on real checkpoints and dead
/// letters, written by projections run in the test process on the same file.
@Suite("chronicle checkpoints, dlq and stats on real subscribers")
struct StandaloneProjectionCommandTests {
    @Test func checkpointsAreListedAndResetOnlyWhenConfirmed() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 30)
        try await ProbeProjection(name: "mailer").run(on: path)
        try await ProjectionFixtures.seed(at: path, events: 4)

        let list = try await ChronicleProcess.run(["checkpoints", "list", "--json", "--store", path])
        #expect(list.status == 0, "\(list)")
        let objects = try ProjectionFixtures.objects(list)
        #expect(objects.count == 1)
        #expect(objects.first?["name"] as? String == "mailer")
        #expect(objects.first?["position"] as? Int == 30)
        #expect(objects.first?["lagEvents"] as? Int == 4)
        #expect(objects.first?["unfinishedRebuild"] is NSNull)
        let table = try await ChronicleProcess.run(["checkpoints", "list", "--store", path])
        #expect(table.outputLines.first?.hasPrefix("NAME    POSITION  LAG  UPDATED") == true, "\(table)")
        #expect(table.outputLines.last?.hasPrefix("mailer        30    4  ") == true, "\(table)")

        let refused = try await ChronicleProcess.run(["checkpoints", "reset", "mailer", "--store", path])
        Fixtures.expectFailure(refused, status: 2, containing: "needs --yes when standard input is not a terminal")
        let unknown = try await ChronicleProcess.run(["checkpoints", "reset", "mailr", "--yes", "--store", path])
        Fixtures.expectFailure(unknown, status: 2, containing: "no checkpoint named 'mailr'; known checkpoints: mailer")

        let reset = try await ChronicleProcess.run(["checkpoints", "reset", "mailer", "--yes", "--store", path])
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.standardError.contains("warning: stop every process that runs 'mailer'"), "\(reset)")
        #expect(reset.standardOutput.contains("reset checkpoint 'mailer' (was at position 30)"), "\(reset)")
        let after = try await ChronicleProcess.run(["checkpoints", "list", "--store", path])
        #expect(after.status == 0 && after.standardOutput.isEmpty && after.standardError == "no checkpoints\n", "\(after)")
    }

    @Test func deadLettersAreListedShownAndPurged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 40, refundEvery: 7)  // refunds at 7, 14, 21, 28, 35
        try await ProbeProjection(name: "billing", failingTypes: ["Refunded"]).run(on: path)
        try await ProbeProjection(name: "mailer", failingTypes: ["Refunded"], filter: EventFilter(eventTypes: ["Refunded"]))
            .run(on: path)

        let list = try await ChronicleProcess.run(["dlq", "list", "--json", "--store", path])
        #expect(list.status == 0, "\(list)")
        let letters = try ProjectionFixtures.objects(list)
        #expect(letters.count == 10)
        #expect(letters.map { $0["id"] as? Int } == Array(1...10))
        let first = letters[0]
        #expect(first["subscriber"] as? String == "billing")
        #expect(first["position"] as? Int == 7)
        #expect(first["type"] as? String == "Refunded")
        #expect(first["attempts"] as? Int == 1)
        #expect(first["error"] as? String == "probe failed at 7")
        let mailer = try await ChronicleProcess.run(["dlq", "list", "--subscriber", "mailer", "--limit", "2", "--store", path])
        #expect(mailer.status == 0, "\(mailer)")
        #expect(mailer.outputLines.count == 3, "a header and two rows: \(mailer)")
        #expect(mailer.outputLines[1].contains("mailer") && mailer.outputLines[1].contains("probe failed at 7"))
        #expect(mailer.standardError == "more dead letters follow: raise --limit or choose a --subscriber\n")

        let show = try await ChronicleProcess.run(["dlq", "show", "6", "--store", path])
        #expect(show.status == 0, "\(show)")
        #expect(show.outputLines.first == "dead letter 6  mailer")
        #expect(show.standardOutput.contains("    error: probe failed at 7\n"))
        #expect(show.standardOutput.contains("Refunded  position 7  "))
        #expect(show.standardOutput.contains("    {\n      \"amount\": 7\n    }\n"), "data pretty-printed: \(show)")
        let showJSON = try await ChronicleProcess.run(["dlq", "show", "6", "--json", "--store", path])
        let object = try JSONSerialization.jsonObject(with: Data(showJSON.standardOutput.utf8)) as! [String: Any]
        #expect(object["subscriber"] as? String == "mailer")
        #expect((object["event"] as? [String: Any])?["data"] as? [String: Int] == ["amount": 7])
        Fixtures.expectFailure(
            try await ChronicleProcess.run(["dlq", "show", "99", "--store", path]), status: 2,
            containing: "no dead letter with id 99")

        let retry = try await ChronicleProcess.run(["dlq", "retry", "6", "--store", path])
        Fixtures.expectFailure(
            retry, status: 2, containing: "retrying a dead letter runs the subscriber's handler, which this tool does not have")

        Fixtures.expectFailure(
            try await ChronicleProcess.run(["dlq", "purge", "--id", "6", "--store", path]), status: 2,
            containing: "purging dead letter 6 needs --yes when standard input is not a terminal")
        let one = try await ChronicleProcess.run(["dlq", "purge", "--id", "6", "--yes", "--store", path])
        #expect(one.status == 0 && one.standardOutput == "purged dead letter 6\n", "\(one)")
        let billing = try await ChronicleProcess.run(["dlq", "purge", "--subscriber", "billing", "--yes", "--store", path])
        #expect(billing.standardOutput == "purged 5 dead letters of 'billing'\n", "\(billing)")
        let rest = try await ChronicleProcess.run(["dlq", "purge", "--yes", "--store", path])
        #expect(rest.standardOutput == "purged 4 dead letters\n", "\(rest)")
        let none = try await ChronicleProcess.run(["dlq", "list", "--store", path])
        #expect(none.status == 0 && none.standardError == "no dead letters\n", "\(none)")
    }

    @Test func statsTripsOnRealLagAndDeadLetters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 20, refundEvery: 7)
        try await ProbeProjection(name: "billing", failingTypes: ["Refunded"]).run(on: path)
        // A projection that stopped at the first event: dead letters but no checkpoint.
        try await ProbeProjection(name: "auditor", failingTypes: ["Placed"], onExhausted: .stop).run(on: path)
        try await ProjectionFixtures.seed(at: path, events: 5)

        let json = try await ChronicleProcess.run(["stats", "--json", "--store", path])
        #expect(json.status == 0, "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as! [String: Any]
        let consumers = try #require(object["consumers"] as? [[String: Any]])
        #expect(consumers.map { $0["name"] as? String } == ["auditor", "billing"])
        #expect(consumers.allSatisfy { $0["kind"] as? String == "subscriber" })
        #expect(consumers[0]["checkpoint"] as? Int == 0)
        #expect(consumers[0]["lagEvents"] as? Int == 25)
        #expect(consumers[0]["deadLetters"] as? Int == 1)
        #expect(consumers[1]["checkpoint"] as? Int == 20)
        #expect(consumers[1]["lagEvents"] as? Int == 5)
        #expect(consumers[1]["deadLetters"] as? Int == 2)
        let lagSeconds = try #require(consumers[1]["lagSeconds"] as? Double)
        #expect(lagSeconds > 0 && lagSeconds < 600)

        func stats(_ thresholds: [String]) async throws -> ChronicleProcess.Output {
            try await ChronicleProcess.run(["stats", "--store", path] + thresholds)
        }
        let calm = try await stats(["--max-lag", "25", "--max-dead-letters", "2", "--max-lag-seconds", "3600"])
        #expect(calm.status == 0 && calm.standardError.isEmpty, "\(calm)")
        #expect(calm.standardOutput.contains("subscriber  billing          20    5"), "\(calm)")

        let lag = try await stats(["--max-lag", "5"])
        #expect(lag.status == 4, "\(lag)")
        #expect(lag.errorLines == ["ALERT subscriber 'auditor' is 25 events behind (max 5)"])
        let letters = try await stats(["--max-dead-letters", "1"])
        #expect(letters.status == 4)
        #expect(letters.errorLines == ["ALERT subscriber 'billing' has 2 dead letters (max 1)"])
        let seconds = try await stats(["--max-lag-seconds", "0"])
        #expect(seconds.status == 4)
        #expect(seconds.errorLines.count == 2 && seconds.errorLines.allSatisfy { $0.contains("behind (max 0s)") }, "\(seconds)")
    }
}
