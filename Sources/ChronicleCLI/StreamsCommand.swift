internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle streams`: the group of `list` and `show`.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List streams, or show the events of one.",
        discussion: ChronicleCommands.discussion(
            """
            EXAMPLES
              chronicle streams list --category order --store events.sqlite
              chronicle streams show order-42 --store events.sqlite
            """),
        subcommands: [StreamsListCommand.self, StreamsShowCommand.self])
}

/// `chronicle streams list`: streams with their version and last update.
struct StreamsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List streams with their version and last update, in name order.",
        discussion: ChronicleCommands.discussion(
            """
            Streams are listed in the byte order of their names, --limit at a time. When more
            follow, a note on standard error gives the --after value for the next page.
            With --json, each stream is one JSON object on its own line.

            EXAMPLES
              chronicle streams list --store events.sqlite
              chronicle streams list --category order --limit 50 --after order-1042
              chronicle streams list --json | jq -r .stream
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only streams of this category.")
    var category: String?

    @Option(parsing: .unconditional, help: "The most streams to list.")
    var limit = 100

    @Option(help: ArgumentHelp("Only streams whose name sorts after this one (paging).", valueName: "stream"))
    var after: String?

    @Flag(help: "Print one JSON object per stream instead of a table.")
    var json = false

    func run() async throws {
        guard limit >= 1 else { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        let category = try self.category.map(parseCategory)
        let after = try self.after.map(parseStream)
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        // One more than asked, to know whether more follow.
        let page = try await opened.store.streams(
            category: category, after: after, limit: limit == Int.max ? limit : limit + 1)
        let shown = page.prefix(limit)
        let out = TextOutput.standardOutput
        if json {
            for info in shown {
                out.line(
                    JSONValue.object([
                        ("stream", .string(info.stream.description)), ("category", .string(info.stream.category)),
                        ("version", .int(info.version)), ("updatedAt", .string(Timestamp.format(info.updatedAt))),
                    ]).serialized())
            }
        } else if shown.isEmpty {
            TextOutput.standardError.line(category.map { "no streams in category '\($0)'" } ?? "no streams")
        } else {
            var table = Table([
                .init("STREAM", style: .cyan), .init("VERSION", alignment: .right), .init("UPDATED", style: .dim),
            ])
            for info in shown {
                table.append([info.stream.description, String(info.version), Formatting.time(info.updatedAt)])
            }
            table.print(to: out)
        }
        if page.count > limit, let last = shown.last {
            out.flush()
            TextOutput.standardError.line("more streams follow: run again with --after \(last.stream)")
        }
    }
}

/// `chronicle streams show`: the events of one stream.
struct StreamsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the events of one stream, data pretty-printed.",
        discussion: ChronicleCommands.discussion(
            """
            A stream with no events is reported on standard error with exit code 1.
            With --json, each event is one line in the export format (see 'chronicle events export').

            EXAMPLES
              chronicle streams show order-42 --store events.sqlite
              chronicle streams show order-42 --from 10 --limit 5
              chronicle streams show order-42 --json | jq .data
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The stream, written category-id (order-42).")
    var stream: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The first version to show.", valueName: "version"))
    var from: Int64 = 1

    @Option(parsing: .unconditional, help: "The most events to show.")
    var limit = 100

    @Flag(help: "Print one JSON line per event instead of text.")
    var json = false

    func run() async throws {
        let streamName = try parseStream(stream)
        guard limit >= 1 else { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        guard from >= 0 else { throw CommandError(.badInput, "--from must be a version of 0 or more, got \(from)") }
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let version = try await opened.store.streamVersion(streamName)
        guard version > 0 else { throw CommandError(.failure, "stream '\(streamName)' has no events") }
        let events = try await opened.store.readStream(
            streamName, from: from, direction: .forward, limit: limit == Int.max ? limit : limit + 1)
        let shown = events.prefix(limit)
        let out = TextOutput.standardOutput
        if json {
            for record in shown { out.line(EventLine.encode(record)) }
        } else {
            out.line(
                out.styled(streamName.description, .bold) + out.styled("  version \(version)", .dim))
            for record in shown {
                out.line()
                EventText.print(record, to: out)
            }
        }
        if events.count > limit, let last = shown.last {
            out.flush()
            TextOutput.standardError.line("more events follow: run again with --from \(last.version + 1)")
        }
    }
}

/// An event for people: version, type, position and time; id, schema and
/// metadata; the data pretty-printed (`streams show`, `dlq show`).
enum EventText {
    static func print(_ record: EventRecord, to out: TextOutput) {
        out.line(
            out.styled("#\(record.version)", .bold) + "  " + out.styled(record.type, .cyan)
                + out.styled("  position \(record.position)  \(Timestamp.format(record.recordedAt))", .dim))
        var details = ["id \(record.id.uuidString.lowercased())", "schema \(record.schemaVersion)"]
        if let correlation = record.metadata.correlationId { details.append("correlation \(correlation)") }
        if let causation = record.metadata.causationId { details.append("causation \(causation)") }
        for (key, value) in record.metadata.headers.sorted(by: { $0.key < $1.key }) {
            details.append("\(key)=\(value)")
        }
        out.line(out.styled("    " + details.joined(separator: "  "), .dim))
        out.line(Formatting.prettyData(record.data, prefix: "    "))
    }
}
