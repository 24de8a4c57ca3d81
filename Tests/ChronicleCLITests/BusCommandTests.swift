import Chronicle
import ChronicleCLI
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// `chronicle bus publish|consume|groups|dlq` as scripts meet them: output,
/// JSON, exit codes, and bad input refused with nothing stored.
@Suite("chronicle bus")
struct BusCommandTests {
    @Test func publishPrintsWhereTheMessageWentAndStoresItWithItsMetadata() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let text = try await ChronicleProcess.run([
            "bus", "publish", "orders", "--type", "OrderPlaced", "--data", #"{"total":42}"#, "--stream", "42",
            "--correlation-id", "req-7", "--header", "tenant=acme", "--store", path,
        ])
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput.hasPrefix("published OrderPlaced "))
        #expect(text.standardOutput.contains("to orders-42 at position 1"))

        let json = try await ChronicleProcess.run([
            "bus", "publish", "orders", "--type", "OrderPlaced", "--data", "{}", "--id",
            "01a2455d-46c6-7d4f-b04c-857e7c6c74ff", "--ttl", "1m", "--json", "--store", path,
        ])
        #expect(json.status == 0, "\(json)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "01a2455d-46c6-7d4f-b04c-857e7c6c74ff")
        #expect(object["position"] as? Int == 2)
        #expect((object["stream"] as? String)?.hasPrefix("orders-") == true)
        #expect(object["deliverAt"] == nil)

        let events = try await Fixtures.readAll(path: path)
        #expect(events.count == 2)
        #expect(events[0].stream.description == "orders-42")
        #expect(events[0].metadata.correlationId == "req-7")
        #expect(events[0].metadata.headers["tenant"] == "acme")
        #expect(events[1].metadata.headers[MessageHeaders.expiresAt] != nil)
    }

    @Test func aDelayedMessageIsAScheduledEntryUntilAConsumerPublishesIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let published = try await ChronicleProcess.run([
            "bus", "publish", "reminders", "--type", "Remind", "--data", "{}", "--stream", "r1", "--delay", "2s",
            "--json", "--store", path,
        ])
        #expect(published.status == 0, "\(published)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(published.standardOutput.utf8)) as? [String: Any])
        #expect(object["stream"] as? String == "reminders-r1")
        #expect(object["deliverAt"] is String)
        let before = try await Fixtures.readAll(path: path)
        #expect(before.map(\.stream.category) == ["$scheduled"], "nothing in the topic before it is due")

        // A consumer runs the scheduler: the message arrives when due.
        let consumed = try await ChronicleProcess.run([
            "bus", "consume", "reminders", "--group", "g", "--max", "1", "--store", path,
        ])
        #expect(consumed.status == 0, "\(consumed)")
        let consumedLine = try #require(consumed.outputLines.first)
        let record = try EventLine.decode(Array(consumedLine.utf8))
        #expect(record.stream.description == "reminders-r1")
        #expect(record.id.uuidString.lowercased() == object["id"] as? String)
    }

    @Test(arguments: [
        (["bus", "publish", "orders-x", "--type", "T", "--data", "{}"], "contains '-'"),
        (["bus", "publish", "$all", "--type", "T", "--data", "{}"], "named topic"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{nope"], "--data"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{}", "--header", "novalue"], "KEY=VALUE"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{}", "--header", "chronicle.deliver-at=x"], "bus's own"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{}", "--delay", "5s", "--deliver-at", "2030-01-01T00:00:00Z"], "not both"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{}", "--ttl", "-3s"], "--ttl"),
        (["bus", "publish", "orders", "--type", "T", "--data", "{}", "--id", "nope"], "not a UUID"),
        (["bus", "consume", "orders", "--group", "a#b"], "'#'"),
        (["bus", "consume", "orders", "--group", "g", "--max", "0"], "--max"),
        (["bus", "consume", "orders", "--group", "g", "--partitions", "0"], "partitions"),
        (["bus", "groups", "--max-lag", "-1"], "--max-lag"),
    ])
    func badInputIsOneLineAndExit2WithNothingStored(arguments: [String], fragment: String) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        try await Fixtures.makeStore(at: path, events: 2)
        let output = try await ChronicleProcess.run(arguments + ["--store", path])
        Fixtures.expectFailure(output, status: 2, containing: fragment)
        #expect(try await Fixtures.readAll(path: path).count == 2)
    }

    @Test func consumeAcknowledgesWhatItPrintedAndGroupsShowsTheGroup() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        for n in 1...5 {
            let output = try await ChronicleProcess.run([
                "bus", "publish", "orders", "--type", "N", "--data", "{\"n\":\(n)}", "--stream", "k\(n % 2)", "--store", path,
            ])
            #expect(output.status == 0, "\(output)")
        }
        let first = try await ChronicleProcess.run([
            "bus", "consume", "orders", "--group", "billing", "--max", "3", "--partitions", "2", "--store", path,
        ])
        #expect(first.status == 0, "\(first)")
        #expect(first.outputLines.count == 3)
        #expect(first.standardError.isEmpty, "joining and leaving are not logged: \(first.standardError)")
        let second = try await ChronicleProcess.run([
            "bus", "consume", "orders", "--group", "billing", "--idle-exit", "1s", "--partitions", "2", "--store", path,
        ])
        #expect(second.status == 0, "\(second)")
        let firstIds = try first.outputLines.map { try EventLine.decode(Array($0.utf8)).id }
        let secondIds = try second.outputLines.map { try EventLine.decode(Array($0.utf8)).id }
        #expect(Set(firstIds).isDisjoint(with: secondIds), "what the first printed was acknowledged")
        #expect(Set(firstIds + secondIds).count == 5)

        let groups = try await ChronicleProcess.run(["bus", "groups", "--json", "--store", path])
        #expect(groups.status == 0, "\(groups)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(groups.standardOutput.utf8)) as? [String: Any])
        let group = try #require((object["groups"] as? [[String: Any]])?.first)
        #expect(group["name"] as? String == "billing")
        #expect(group["topics"] as? [String] == ["orders"])
        #expect(group["partitionCount"] as? Int == 2)
        #expect(group["lag"] as? Int == 0)

        // A message nobody consumed yet is lag: a threshold turns it into exit 4.
        _ = try await ChronicleProcess.run(["bus", "publish", "orders", "--type", "N", "--data", "{}", "--store", path])
        let alert = try await ChronicleProcess.run(["bus", "groups", "--max-lag", "0", "--store", path])
        #expect(alert.status == 4, "\(alert)")
        #expect(alert.standardError.contains("ALERT consumer group 'billing': lag 1 messages exceeds 0"), "\(alert)")
        let stats = try await ChronicleProcess.run(["stats", "--store", path])
        #expect(stats.standardOutput.contains("consumer group  billing"), "\(stats)")
        #expect(!stats.standardOutput.contains("#orders#"), "one row per group, not per partition")

        Fixtures.expectFailure(
            try await ChronicleProcess.run(["bus", "groups", "--group", "nobody", "--store", path]), status: 2,
            containing: "no consumer group 'nobody'")
        Fixtures.expectFailure(
            try await ChronicleProcess.run([
                "bus", "consume", "orders", "--group", "billing", "--partitions", "4", "--max", "1", "--store", path,
            ]), status: 1, containing: "partition")
    }

    @Test func deadLettersAreListedRetriedToTheirGroupOnlyAndPurged() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        do {
            let store = try await SQLiteEventStore(path: path)
            defer { try? store.close() }
            let bus = store.bus()
            try await bus.publish(NewEvent(type: "Poison", data: Data(#"{"bad":true}"#.utf8)), to: "orders", key: "p")
            try await bus.publish(NewEvent(type: "Fine", data: Data("{}".utf8)), to: "orders", key: "f")
            var group = try ConsumerGroup("billing", topics: ["orders"], partitions: 2, member: "test")
            group.failurePolicy = FailurePolicy(maxAttempts: 2, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))
            group.runsScheduler = false
            let handled = Locked<[String]>([])
            let consumer = Task {
                try await bus.consume(group) { message in
                    if message.type == "Poison" { throw EventStoreError.invalidArgument("cannot bill this") }
                    handled.withLock { $0.append(message.type) }
                }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while try await store.deadLetters.count(consumer: "billing") == 0 || handled.withLock({ $0.isEmpty }) {
                #expect(ContinuousClock.now < deadline, "the poison message was dead-lettered")
                if ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            consumer.cancel()
            try await consumer.value
        }

        let list = try await ChronicleProcess.run(["bus", "dlq", "list", "--group", "billing", "--json", "--store", path])
        #expect(list.status == 0, "\(list)")
        let line = try #require(list.outputLines.first)
        let letter = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(letter["group"] as? String == "billing")
        #expect(letter["type"] as? String == "Poison")
        #expect(letter["attempts"] as? Int == 2)
        #expect(letter["firstFailedAt"] is String)
        #expect((letter["error"] as? String)?.contains("cannot bill this") == true)
        let id = try #require(letter["id"] as? Int)

        Fixtures.expectFailure(
            try await ChronicleProcess.run(["bus", "dlq", "retry", "--group", "other", "--id", "\(id)", "--store", path]),
            status: 2, containing: "belongs to 'billing'")
        let retry = try await ChronicleProcess.run(["bus", "dlq", "retry", "--group", "billing", "--json", "--store", path])
        #expect(retry.status == 0, "\(retry)")
        #expect(retry.standardOutput.contains(#""requeued":1"#), "\(retry)")
        let empty = try await ChronicleProcess.run(["bus", "dlq", "list", "--group", "billing", "--store", path])
        #expect(empty.outputLines.isEmpty && empty.standardError.contains("no dead letters"), "\(empty)")

        // The group gets the original message again; another group that was already done does not.
        let again = try await ChronicleProcess.run([
            "bus", "consume", "orders", "--group", "billing", "--partitions", "2", "--max", "1", "--store", path,
        ])
        #expect(again.status == 0, "\(again)")
        let againLine = try #require(again.outputLines.first)
        let redelivered = try EventLine.decode(Array(againLine.utf8))
        #expect(redelivered.type == "Poison" && redelivered.stream.description == "orders-p")

        // Purge: refused without --yes and a terminal, then done.
        do {
            let store = try await SQLiteEventStore(path: path)
            defer { try? store.close() }
            let stream = try await store.readStream(try StreamName("orders-p"), from: 1, direction: .forward, limit: 1)
            let original = try #require(stream.first)
            try await store.deadLetters.park(original, consumer: "billing", error: "again", attempts: 1)
        }
        Fixtures.expectFailure(
            try await ChronicleProcess.run(["bus", "dlq", "purge", "--group", "billing", "--store", path]),
            status: 2, containing: "--yes")
        let purge = try await ChronicleProcess.run(["bus", "dlq", "purge", "--group", "billing", "--yes", "--store", path])
        #expect(purge.status == 0 && purge.standardOutput.contains("purged 1 dead letter of group 'billing'"), "\(purge)")
    }

    @Test func busHelpNamesItsSubcommandsAndExitCodes() async throws {
        let help = try await ChronicleProcess.run(["bus", "--help"])
        #expect(help.status == 0)
        for name in ["publish", "consume", "groups", "dlq"] { #expect(help.standardOutput.contains(name)) }
        let consume = try await ChronicleProcess.run(["bus", "consume", "--help"])
        #expect(consume.standardOutput.contains("--idle-exit") && consume.standardOutput.contains("130"))
    }
}
