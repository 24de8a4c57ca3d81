internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle stats`: counts, head, size, readers' lag, and alert thresholds.
///
/// In the standalone tool every checkpoint (and every subscriber with dead
/// letters) is a reader; an app's tool reports its projections with their own
/// filters first, then the other subscribers.
struct StatsCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
        commandName: "stats",
        abstract: "Show event and stream counts, the head, the store's size and readers' lag; alert on thresholds.",
        discussion: ChronicleCommands.discussion(
            """
            Readers are the projections and consumers that keep a checkpoint in the store, and any
            subscriber with dead letters. For each: its checkpoint, its lag in events (head position
            minus checkpoint), its lag in seconds (the age of the oldest event after its checkpoint)
            and its dead letters. An app's own tool reports its projections first, their lag in
            seconds counting only the events they handle.

            Any exceeded threshold prints an ALERT line on standard error and exits with code 4, so
            the command can drive an alerting probe.

            EXAMPLES
              chronicle stats --store events.sqlite
              chronicle stats --json | jq .consumers
              chronicle stats --max-lag 1000 --max-lag-seconds 30 --max-dead-letters 0 || page-the-on-call
            """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Alert when a projection or consumer group is more events behind.", valueName: "events"))
    var maxLag: Int64?

    @Option(parsing: .unconditional, help: ArgumentHelp("Alert when a projection or consumer group is more seconds behind.", valueName: "seconds"))
    var maxLagSeconds: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Alert when a projection or consumer group has more dead letters.", valueName: "count"))
    var maxDeadLetters: Int64?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        if let maxLag, maxLag < 0 { throw CommandError(.badInput, "--max-lag must be 0 or more, got \(maxLag)") }
        if let maxLagSeconds, !(maxLagSeconds >= 0) {
            throw CommandError(.badInput, "--max-lag-seconds must be 0 or more, got \(maxLagSeconds)")
        }
        if let maxDeadLetters, maxDeadLetters < 0 {
            throw CommandError(.badInput, "--max-dead-letters must be 0 or more, got \(maxDeadLetters)")
        }
        let thresholds = AlertThresholds(maxLag: maxLag, maxLagSeconds: maxLagSeconds, maxDeadLetters: maxDeadLetters)
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions, access: .readOnly)
        defer { session.close() }
        let opened = session.opened
        let statistics = try await opened.store.statistics()
        let schemaVersion = try await opened.schemaVersion()
        var consumers = try await SubscriberStatuses.collect(
            opened, projections: session.projections, runner: session.projections.isEmpty ? nil : session.runner)
        for provider in ChronicleCommands.consumerStatusProviders {
            let provided = try await provider.statuses(opened)
            let names = Set(provided.map(\.name))
            consumers.removeAll { $0.kind == .subscriber && names.contains($0.name) }
            consumers += provided
        }
        let alerts = thresholds.alerts(for: consumers)
        let files = opened.files()
        if json {
            printJSON(opened, statistics, schemaVersion, files, consumers, alerts)
        } else {
            printText(opened, statistics, schemaVersion, files, consumers)
        }
        TextOutput.standardOutput.flush()
        guard alerts.isEmpty else {
            let err = TextOutput.standardError
            for alert in alerts { err.line(err.styled("ALERT", .red) + " " + alert) }
            throw CommandError(.alert, nil)
        }
    }

    private func printText(
        _ opened: OpenedStore, _ statistics: StoreStatistics, _ schemaVersion: Int?, _ files: [OpenedStore.File],
        _ consumers: [ConsumerStatus]
    ) {
        let out = TextOutput.standardOutput
        let total = files.reduce(0) { $0 + $1.size }
        let size = Formatting.bytes(total)
            + (files.count > 1
                ? " (" + files.map { "\($0.role) \(Formatting.bytes($0.size))" }.joined(separator: ", ") + ")" : "")
        var head = statistics.headPosition == .none ? "none (empty store)" : "position \(statistics.headPosition)"
        if let recordedAt = statistics.headRecordedAt {
            let age = Date().timeIntervalSince(recordedAt)
            head += ", recorded \(Formatting.time(recordedAt))" + (age >= 0 ? " (\(Formatting.duration(age)) ago)" : "")
        }
        let rows = [
            ("store", opened.location.description), ("schema", schemaVersion.map { "version \($0)" } ?? "not versioned"), ("size", size),
            ("events", Formatting.count(statistics.eventCount)), ("streams", Formatting.count(statistics.streamCount)),
            ("head", head),
        ]
        for (label, value) in rows {
            out.line(out.styled(label.padding(toLength: 9, withPad: " ", startingAt: 0), .bold) + value)
        }
        out.line()
        if consumers.isEmpty {
            out.line(out.styled("no projections, consumer groups or other subscribers", .dim))
            return
        }
        var table = Table([
            .init("KIND", style: .dim), .init("NAME", style: .cyan), .init("CHECKPOINT", alignment: .right),
            .init("LAG", alignment: .right), .init("LAG TIME", alignment: .right),
            .init("DEAD LETTERS", alignment: .right),
        ])
        for consumer in consumers {
            table.append([
                consumer.kind.rawValue, consumer.name, String(consumer.checkpoint.rawValue),
                Formatting.count(consumer.lagEvents), consumer.lagSeconds.map(Formatting.duration) ?? "-",
                Formatting.count(consumer.deadLetters),
            ])
        }
        table.print(to: out)
    }

    private func printJSON(
        _ opened: OpenedStore, _ statistics: StoreStatistics, _ schemaVersion: Int?, _ files: [OpenedStore.File],
        _ consumers: [ConsumerStatus], _ alerts: [String]
    ) {
        let value = JSONValue.object([
            ("store", .string(opened.location.description)),
            ("schemaVersion", schemaVersion.map { .int(Int64($0)) } ?? .null),
            ("sizeBytes", .int(files.reduce(0) { $0 + $1.size })),
            ("files", .array(files.map { .object([("role", .string($0.role)), ("path", .string($0.path)), ("size", .int($0.size))]) })),
            ("events", .int(statistics.eventCount)),
            ("streams", .int(statistics.streamCount)),
            ("headPosition", .int(statistics.headPosition.rawValue)),
            ("headRecordedAt", .optional(statistics.headRecordedAt.map { Timestamp.format($0) })),
            ("consumers", .array(consumers.map { consumer in
                .object([
                    ("kind", .string(consumer.kind.rawValue)), ("name", .string(consumer.name)),
                    ("checkpoint", .int(consumer.checkpoint.rawValue)), ("lagEvents", .int(consumer.lagEvents)),
                    ("lagSeconds", consumer.lagSeconds.map(JSONValue.double) ?? .null),
                    ("deadLetters", .int(consumer.deadLetters)),
                ])
            })),
            ("alerts", .array(alerts.map(JSONValue.string))),
        ])
        TextOutput.standardOutput.line(value.serialized())
    }
}
