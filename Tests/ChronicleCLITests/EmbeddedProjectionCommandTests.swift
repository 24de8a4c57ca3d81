import Chronicle
import ChronicleCLI
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// The `projections`, `dlq retry` and `stats` commands of an app's own tool,
/// driven through `ChronicleCLITestApp` (ChronicleCLI with an exactly-once and
/// an at-least-once projection) as a subprocess.
@Suite("An app's projections, dlq retry and stats commands")
struct EmbeddedProjectionCommandTests {
    let app = ProjectionFixtures.app

    @Test func listAndStatusDescribeTheProjections() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 50)

        let list = try await app(["projections", "list"], path, nil, nil)
        #expect(list.status == 0, "\(list)")
        #expect(list.outputLines == [
            "NAME          GUARANTEE      EVENTS               ON FAILURE",
            "order-totals  exactly-once   categories order     2 attempts, then park and skip",
            "payments-log  at-least-once  types Paid,Refunded  2 attempts, then park and skip",
        ])
        let before = try ProjectionFixtures.objects(try await app(["projections", "status", "--json"], path, nil, nil))
        #expect(before.map { $0["state"] as? String } == ["not started", "not started"])
        #expect(before.map { $0["lagEvents"] as? Int } == [50, 50])

        let catchUp = try await app(["projections", "catch-up"], path, nil, nil)
        #expect(catchUp.status == 0, "\(catchUp)")
        #expect(catchUp.outputLines.count == 2)
        #expect(catchUp.outputLines[0].hasPrefix("caught up order-totals: 50 events in "), "\(catchUp)")
        #expect(catchUp.outputLines[0].hasSuffix(", checkpoint 50"), "\(catchUp)")
        try await ProjectionFixtures.seed(at: path, events: 3)  // positions 51 (Placed), 52 (Paid), 53 (Placed)

        let status = try await app(["projections", "status", "--json"], path, nil, nil)
        let objects = try ProjectionFixtures.objects(status)
        #expect(objects.count == 2)
        let totals = objects[0]
        #expect(totals["name"] as? String == "order-totals")
        #expect(totals["guarantee"] as? String == "exactly-once")
        #expect(totals["state"] as? String == "behind")
        #expect(totals["checkpoint"] as? Int == 50)
        #expect(totals["head"] as? Int == 53)
        #expect(totals["lagEvents"] as? Int == 3)
        #expect((totals["lagSeconds"] as? Double).map { $0 >= 0 && $0 < 600 } == true)
        #expect(totals["deadLetters"] as? Int == 0)
        #expect(objects[1]["guarantee"] as? String == "at-least-once")
        let table = try await app(["projections", "status"], path, nil, nil)
        #expect(
            table.outputLines.first == "NAME          GUARANTEE      STATE   CHECKPOINT  HEAD  LAG  LAG TIME  DEAD LETTERS",
            "\(table)")
    }

    @Test func rebuildAllLeavesTheReadModelsAsTheyWere() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 600)
        #expect(try await app(["projections", "catch-up"], path, nil, nil).status == 0)
        let live = try await ProjectionFixtures.readModels(path)
        #expect(live.orders.count == 36)
        #expect(live.payments.count == 240)

        let refused = try await app(["projections", "rebuild", "--all"], path, nil, nil)
        Fixtures.expectFailure(
            refused, status: 2, containing: "rebuilding 2 projections needs --yes when standard input is not a terminal",
            tool: "test-app")
        let rebuild = try await app(["projections", "rebuild", "--all", "--yes", "--batch-size", "100"], path, nil, nil)
        #expect(rebuild.status == 0, "\(rebuild)")
        #expect(rebuild.outputLines.filter { $0.hasPrefix("rebuilt ") }.count == 2, "\(rebuild)")
        #expect(rebuild.standardError.isEmpty, "\(rebuild)")
        let rebuilt = try await ProjectionFixtures.readModels(path)
        #expect(rebuilt.orders == live.orders)
        #expect(rebuilt.payments == live.payments)
        let statuses = try ProjectionFixtures.objects(try await app(["projections", "status", "--json"], path, nil, nil))
        #expect(statuses.map { $0["state"] as? String } == ["caught up", "caught up"])
    }

    @Test func unknownNamesMissingAndBrokenStoresFailClearly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 5)
        for arguments in [
            ["projections", "rebuild", "order-total", "--yes"], ["projections", "reset", "order-total", "--yes"],
            ["projections", "catch-up", "order-total"],
        ] {
            let output = try await app(arguments, path, nil, nil)
            Fixtures.expectFailure(
                output, status: 2,
                containing: "no projection named 'order-total'; known projections: order-totals, payments-log",
                tool: "test-app")
        }
        Fixtures.expectFailure(
            try await app(["projections", "rebuild", "--yes"], path, nil, nil), status: 2,
            containing: "name the projections to rebuild, or pass --all", tool: "test-app")
        Fixtures.expectFailure(
            try await app(["dlq", "retry", "--subscriber", "mailer"], path, nil, nil), status: 2,
            containing: "no projection named 'mailer'", tool: "test-app")

        let missing = try await app(["projections", "status"], directory.path("none.sqlite"), nil, nil)
        Fixtures.expectFailure(missing, status: 1, containing: "no store at", tool: "test-app")
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.sqlite")))
        let garbage = directory.path("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let broken = try await app(["projections", "rebuild", "--all", "--yes"], garbage, nil, nil)
        Fixtures.expectFailure(broken, status: 1, containing: "garbage.sqlite", tool: "test-app")
    }

    @Test func resetClearsTheReadModelAndTheNextCatchUpRestoresIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 200)
        #expect(try await app(["projections", "catch-up"], path, nil, nil).status == 0)
        let before = try await ProjectionFixtures.readModels(path)

        Fixtures.expectFailure(
            try await app(["projections", "reset", "order-totals"], path, nil, nil), status: 2,
            containing: "resetting projection 'order-totals' needs --yes", tool: "test-app")
        let reset = try await app(["projections", "reset", "order-totals", "--yes"], path, nil, nil)
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.standardOutput.hasPrefix("reset projection 'order-totals': read model cleared, checkpoint (was 200)"))
        #expect(try await ProjectionFixtures.readModels(path).orders.isEmpty)
        #expect(try await ProjectionFixtures.readModels(path).payments == before.payments, "the other projection is untouched")
        let status = try ProjectionFixtures.objects(try await app(["projections", "status", "--json"], path, nil, nil))
        #expect(status[0]["state"] as? String == "not started")
        #expect(status[0]["checkpoint"] as? Int == 0)

        #expect(try await app(["projections", "catch-up", "order-totals"], path, nil, nil).status == 0)
        #expect(try await ProjectionFixtures.readModels(path).orders == before.orders)
    }

    /// Ctrl-C in the middle of a rebuild: the batch in flight commits, the command
    /// says how far it got and exits with 130, the read model agrees with its
    /// checkpoint, and running the command again finishes the rebuild without
    /// starting over, with the same read model as an uninterrupted rebuild.
    @Test func anInterruptedRebuildContinuesWhereItStopped() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 20_000)
        let full = try await app(["projections", "rebuild", "order-totals", "--yes", "--batch-size", "1000"], path, nil, nil)
        #expect(full.status == 0, "\(full)")
        let uninterrupted = try await ProjectionFixtures.readModels(path).orders

        let rebuild = try ChronicleProcess.start(
            ["projections", "rebuild", "order-totals", "--yes", "--batch-size", "100", "--store", path],
            executable: "ChronicleCLITestApp")
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            rebuild.signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        // The first progress line comes after the first committed batch.
        var first: String?
        while let line = await rebuild.nextLine() {
            if line.hasPrefix("rebuilding order-totals: ") {
                first = line
                break
            }
        }
        #expect(first?.contains("/20,000 events") == true, "\(first ?? "no progress line")")
        rebuild.signal(SIGINT)
        while await rebuild.nextLine() != nil {}
        let ending = await rebuild.wait()
        #expect(ending.reason == .exit && ending.status == 130, "\(ending)")
        let errors = String(decoding: await rebuild.standardError.value, as: UTF8.self)
        let message = try #require(
            errors.firstMatch(of: /^test-app: error: rebuild of 'order-totals' interrupted at ([0-9,]+)\/20,000; run it again to continue\n$/),
            "\(errors)")
        let stoppedAt = try #require(Int64(message.1.replacingOccurrences(of: ",", with: "")))
        #expect(stoppedAt >= 100 && stoppedAt < 20_000)

        // Consistent: the read model holds exactly the events up to the checkpoint.
        let status = try ProjectionFixtures.objects(try await app(["projections", "status", "--json"], path, nil, nil))
        #expect(status[0]["state"] as? String == "rebuild interrupted")
        #expect(status[0]["checkpoint"] as? Int == Int(stoppedAt))
        let partial = try await ProjectionFixtures.readModels(path).orders
        let counted = partial.compactMap { row in row.firstMatch(of: /events:([0-9]+)/).flatMap { Int($0.1) } }.reduce(0, +)
        #expect(counted == (try await ProjectionFixtures.orderEvents(path, through: stoppedAt)))
        let checkpoints = try await ChronicleProcess.run(["checkpoints", "list", "--store", path])
        #expect(checkpoints.standardOutput.contains("rebuild interrupted (started "), "\(checkpoints)")

        // Run again: it continues from the checkpoint instead of resetting.
        let again = try await app(["projections", "rebuild", "order-totals", "--yes", "--batch-size", "1000"], path, nil, nil)
        #expect(again.status == 0, "\(again)")
        #expect(
            again.outputLines.first?.hasPrefix("continuing the interrupted rebuild of 'order-totals' from position \(stoppedAt)")
                == true, "\(again)")
        let done = try #require(again.outputLines.last)
        #expect(done.hasPrefix("rebuilt order-totals: \(grouped(20_000 - stoppedAt)) events in "), "\(again)")
        #expect(try await ProjectionFixtures.readModels(path).orders == uninterrupted)
        let after = try ProjectionFixtures.objects(try await app(["projections", "status", "--json"], path, nil, nil))
        #expect(after[0]["state"] as? String == "caught up")
        #expect(!(try await ChronicleProcess.run(["checkpoints", "list", "--store", path])).standardOutput.contains("NOTE"))
    }

    @Test func dlqRetryAppliesParkedEventsThroughTheProjectionsOrKeepsThem() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 60, refundEvery: 25)  // refunds at 25 and 50
        let failing = try await app(["projections", "catch-up"], path, "Refunded", nil)
        #expect(failing.status == 0, "\(failing)")
        #expect(failing.outputLines[0].hasSuffix("; 2 dead letters (see 'dlq list --subscriber order-totals')"), "\(failing)")
        let letters = try ProjectionFixtures.objects(try await ChronicleProcess.run(["dlq", "list", "--json", "--store", path]))
        #expect(letters.map { "\($0["subscriber"]!) \($0["position"]!)" } == [
            "order-totals 25", "order-totals 50", "payments-log 25", "payments-log 50",
        ])
        let alert = try await app(["stats", "--max-dead-letters", "1"], path, nil, nil)
        #expect(alert.status == 4, "\(alert)")
        #expect(alert.errorLines == [
            "ALERT projection 'order-totals' has 2 dead letters (max 1)",
            "ALERT projection 'payments-log' has 2 dead letters (max 1)",
        ])

        // Still failing: the entry stays, with one more attempt.
        let again = try await app(["dlq", "retry", "1"], path, "Refunded", nil)
        Fixtures.expectFailure(again, status: 1, containing: "dead letter 1 failed again; it stays in the dead-letter table", tool: "test-app")
        #expect(again.standardOutput == "failed dead letter 1 (order-totals, position 25) again (attempt 3): injected failure on Refunded at position 25\n")
        let kept = try ProjectionFixtures.objects(try await ChronicleProcess.run(["dlq", "list", "--json", "--store", path]))
        #expect(kept.count == 4)
        #expect(kept[0]["id"] as? Int == 1 && kept[0]["attempts"] as? Int == 3)

        // Fixed: every entry of the exactly-once projection, then one of the at-least-once one.
        let fixed = try await app(["dlq", "retry", "--subscriber", "order-totals", "--json"], path, nil, nil)
        #expect(fixed.status == 0, "\(fixed)")
        #expect(try ProjectionFixtures.objects(fixed).map { $0["result"] as? String } == ["applied", "applied"])
        let payment = try await app(["dlq", "retry", "3"], path, nil, nil)
        #expect(payment.standardOutput == "retried dead letter 3 (payments-log, position 25): applied, entry removed\n", "\(payment)")
        let left = try ProjectionFixtures.objects(try await ChronicleProcess.run(["dlq", "list", "--json", "--store", path]))
        #expect(left.map { $0["id"] as? Int } == [4])
        Fixtures.expectFailure(
            try await app(["dlq", "retry", "3"], path, nil, nil), status: 2, containing: "no dead letter with id 3",
            tool: "test-app")
        #expect(try await app(["dlq", "retry", "4"], path, nil, nil).status == 0)

        // The read models now hold what a build without failures holds.
        let retried = try await ProjectionFixtures.readModels(path)
        #expect(try await app(["projections", "rebuild", "--all", "--yes"], path, nil, nil).status == 0)
        let clean = try await ProjectionFixtures.readModels(path)
        #expect(retried.orders == clean.orders)
        #expect(retried.payments == clean.payments)
        #expect(try await app(["stats", "--max-dead-letters", "0"], path, nil, nil).status == 0)
    }

    @Test func theAppsStatsMeasureLagWithTheProjectionsFilters() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await ProjectionFixtures.seed(at: path, events: 9)
        #expect(try await app(["projections", "catch-up"], path, nil, nil).status == 0)
        try await ProjectionFixtures.seed(at: path, events: 1)  // position 10: a stock event neither projection handles

        let standalone = try await ChronicleProcess.run(["stats", "--max-lag-seconds", "0", "--store", path])
        #expect(standalone.status == 4, "every event counts for a plain subscriber: \(standalone)")
        let embedded = try await app(["stats", "--json", "--max-lag-seconds", "0"], path, nil, nil)
        #expect(embedded.status == 0, "no event the projections handle is waiting: \(embedded)")
        let object = try JSONSerialization.jsonObject(with: Data(embedded.standardOutput.utf8)) as! [String: Any]
        let consumers = try #require(object["consumers"] as? [[String: Any]])
        #expect(consumers.map { $0["kind"] as? String } == ["projection", "projection"])
        #expect(consumers.map { $0["lagEvents"] as? Int } == [1, 1])
        #expect(consumers.allSatisfy { $0["lagSeconds"] is NSNull })
        #expect(try await app(["stats", "--max-lag", "0"], path, nil, nil).status == 4)
    }
}

/// `12345` → `"12,345"`, as the tool prints counts.
func grouped(_ value: Int64) -> String {
    let digits = Array(String(value))
    return String(digits.enumerated().flatMap { index, digit in
        index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
    })
}
