internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle bus groups`: the consumer groups, their members, partitions, lag and dead letters.
struct BusGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Show each consumer group's members, partitions, owners, lag and dead letters; alert on thresholds.",
        discussion: ChronicleCommands.discussion(
            """
            A group appears once a member has run. Lag is the number of the group's messages not yet
            handled, and the age in seconds of the oldest of them. With a threshold option, a group
            beyond it is reported as an ALERT on standard error and the exit code is 4, so the command
            can drive an alerting probe.

            EXAMPLES
              chronicle bus groups --store shop.sqlite
              chronicle bus groups --group billing --json
              chronicle bus groups --max-lag 1000 --max-lag-seconds 30 --max-dead-letters 0 || page-the-on-call
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only this group.", valueName: "name"))
    var group: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Alert when a group's lag exceeds this many messages.", valueName: "n"))
    var maxLag: Int64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Alert when a group's oldest waiting message is older than this many seconds.", valueName: "seconds"))
    var maxLagSeconds: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Alert when a group has more dead letters than this.", valueName: "n"))
    var maxDeadLetters: Int?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let only = try group.map(parseGroup)
        if let maxLag, maxLag < 0 { throw CommandError(.badInput, "--max-lag must be 0 or more, got \(maxLag)") }
        if let maxLagSeconds, !(maxLagSeconds >= 0) {
            throw CommandError(.badInput, "--max-lag-seconds must be 0 or more, got \(maxLagSeconds)")
        }
        if let maxDeadLetters, maxDeadLetters < 0 {
            throw CommandError(.badInput, "--max-dead-letters must be 0 or more, got \(maxDeadLetters)")
        }
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let bus = opened.bus
        var groups: [ConsumerGroupStatus]
        if let only {
            guard let status = try await bus.status(group: only) else {
                throw CommandError(.badInput, "no consumer group '\(only)' (see 'bus groups')")
            }
            groups = [status]
        } else {
            groups = try await bus.groups()
        }
        let thresholds = BusThresholds(maxLag: maxLag, maxLagSeconds: maxLagSeconds, maxDeadLetters: maxDeadLetters)
        let alerts = groups.flatMap { $0.violations(of: thresholds) }
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object([
                    ("groups", .array(groups.map(Self.json))), ("alerts", .array(alerts.map(JSONValue.string))),
                ]).serialized())
        } else if groups.isEmpty {
            TextOutput.standardError.line("no consumer groups")
        } else {
            for (index, status) in groups.enumerated() {
                if index > 0 { out.line() }
                Self.print(status, to: out)
            }
        }
        guard alerts.isEmpty else {
            out.flush()
            let err = TextOutput.standardError
            for alert in alerts { err.line(err.styled("ALERT", .red) + " " + alert) }
            throw CommandError(.alert, nil)
        }
    }

    static func print(_ status: ConsumerGroupStatus, to out: TextOutput) {
        out.line(
            out.styled(status.name, .bold) + "  topics "
                + status.topics.filter { !$0.hasPrefix("$") }.joined(separator: ", ") + "  "
                + "\(status.partitionCount) partitions  \(status.members.count) member\(status.members.count == 1 ? "" : "s")  "
                + "lag \(Formatting.count(Int(status.lag)))" + (status.lag > 0 ? String(format: " (%.1f s)", status.lagSeconds) : "")
                + "  dead letters \(status.deadLetters)")
        var table = Table([
            .init("PARTITION", alignment: .right), .init("OWNER", style: .cyan), .init("LEASE UNTIL", style: .dim),
            .init("LAG", alignment: .right), .init("CHECKPOINTS"),
        ])
        for partition in status.partitions {
            table.append([
                String(partition.partition), partition.owner ?? "-",
                partition.leaseExpiresAt.map(Formatting.time) ?? "-", String(partition.lag),
                partition.checkpoints.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value.rawValue)" }
                    .joined(separator: " "),
            ])
        }
        table.print(to: out)
    }

    static func json(_ status: ConsumerGroupStatus) -> JSONValue {
        .object([
            ("name", .string(status.name)),
            ("topics", .array(status.topics.filter { !$0.hasPrefix("$") }.map(JSONValue.string))),
            ("partitionCount", .int(Int64(status.partitionCount))),
            ("members", .array(status.members.map { member in
                .object([("id", .string(member.id)), ("leaseExpiresAt", .string(Timestamp.format(member.expiresAt)))])
            })),
            ("lag", .int(status.lag)), ("lagSeconds", .double(status.lagSeconds)),
            ("deadLetters", .int(Int64(status.deadLetters))),
            ("partitions", .array(status.partitions.map { partition in
                .object([
                    ("partition", .int(Int64(partition.partition))), ("owner", partition.owner.map(JSONValue.string) ?? .null),
                    ("leaseExpiresAt", partition.leaseExpiresAt.map { .string(Timestamp.format($0)) } ?? .null),
                    ("lag", .int(partition.lag)), ("lagSeconds", .double(partition.lagSeconds)),
                    ("checkpoints", .object(partition.checkpoints.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value.rawValue)) })),
                ])
            })),
        ])
    }
}
