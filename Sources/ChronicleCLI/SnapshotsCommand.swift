internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle snapshots`: the group of `list` and `show`.
struct SnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List the streams that have an aggregate snapshot, or show one.",
        discussion: ChronicleCommands.discussion(
            """
            EXAMPLES
              chronicle snapshots list --category order --store events.sqlite
              chronicle snapshots show order-42 --store events.sqlite
            """),
        subcommands: [SnapshotsListCommand.self, SnapshotsShowCommand.self])
}

/// `chronicle snapshots list`: streams with a snapshot, its version, schema, size and time.
struct SnapshotsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the streams that have a snapshot, with its version, schema version, size and time.",
        discussion: ChronicleCommands.discussion(
            """
            Each stream keeps its newest snapshot only. Streams are listed in the byte order of their
            names, --limit at a time. When more follow, a note on standard error gives the --after
            value for the next page. With --json, each snapshot is one JSON object on its own line
            (without its state: see 'snapshots show --json'). A store whose snapshot store cannot
            list its snapshots exits with 1.

            EXAMPLES
              chronicle snapshots list --store events.sqlite
              chronicle snapshots list --category order --limit 50 --after order-1042
              chronicle snapshots list --json | jq -r .stream
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only snapshots of streams of this category.")
    var category: String?

    @Option(parsing: .unconditional, help: "The most snapshots to list.")
    var limit = 100

    @Option(help: ArgumentHelp("Only streams whose name sorts after this one (paging).", valueName: "stream"))
    var after: String?

    @Flag(help: "Print one JSON object per snapshot instead of a table.")
    var json = false

    func run() async throws {
        guard limit >= 1 else { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        let category = try self.category.map(parseCategory)
        let after = try self.after.map(parseStream)
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        guard let catalog = opened.snapshots as? any SnapshotCatalog else {
            throw CommandError(
                .failure, "the snapshots of \(opened.backend.name) stores cannot be listed (no SnapshotCatalog)")
        }
        // One more than asked, to know whether more follow.
        let page = try await catalog.snapshots(
            category: category, after: after, limit: limit == Int.max ? limit : limit + 1)
        let shown = page.prefix(limit)
        let out = TextOutput.standardOutput
        if json {
            for info in shown { out.line(JSONValue.object(SnapshotJSON.object(info)).serialized()) }
        } else if shown.isEmpty {
            TextOutput.standardError.line(category.map { "no snapshots in category '\($0)'" } ?? "no snapshots")
        } else {
            var table = Table([
                .init("STREAM", style: .cyan), .init("VERSION", alignment: .right), .init("SCHEMA", alignment: .right),
                .init("SIZE", alignment: .right), .init("CREATED", style: .dim),
            ])
            for info in shown {
                table.append([
                    info.stream.description, String(info.version), String(info.schemaVersion),
                    Formatting.bytes(info.size), Formatting.time(info.createdAt),
                ])
            }
            table.print(to: out)
        }
        if page.count > limit, let last = shown.last {
            out.flush()
            TextOutput.standardError.line("more snapshots follow: run again with --after \(last.stream)")
        }
    }
}

/// `chronicle snapshots show`: one stream's snapshot.
struct SnapshotsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a stream's snapshot: its version, schema version, size and time.",
        discussion: ChronicleCommands.discussion(
            """
            Prints the snapshot's stream, the version it was taken at (and the stream's version now),
            its schema version, size and time. With --json, one JSON object that also holds the
            state: "state" is the stored JSON itself, or "stateBase64" when the state is not JSON on
            one line. A stream without a snapshot is reported on standard error with exit code 1.

            EXAMPLES
              chronicle snapshots show order-42 --store events.sqlite
              chronicle snapshots show order-42 --json | jq .state
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The stream, written category-id (order-42).")
    var stream: String

    @Flag(help: "Print one JSON object, with the state, instead of text.")
    var json = false

    func run() async throws {
        let streamName = try parseStream(stream)
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        guard let snapshot = try await opened.snapshots.latestSnapshot(for: streamName) else {
            throw CommandError(.failure, "stream '\(streamName)' has no snapshot")
        }
        let streamVersion = try await opened.store.streamVersion(streamName)
        let info = SnapshotInfo(snapshot)
        let out = TextOutput.standardOutput
        if json {
            var value = SnapshotJSON.object(info)
            value.append(("streamVersion", .int(streamVersion)))
            if let text = EventLine.verbatimJSON(snapshot.data) {
                value.append(("state", .raw(text)))
            } else {
                value.append(("stateBase64", .string(snapshot.data.base64EncodedString())))
            }
            out.line(JSONValue.object(value).serialized())
        } else {
            out.line(
                out.styled(streamName.description, .bold)
                    + out.styled("  snapshot at version \(info.version), stream at version \(streamVersion)", .dim))
            out.line(
                "    category \(streamName.category)  schema \(info.schemaVersion)  size \(Formatting.bytes(info.size))"
                    + "  created \(Timestamp.format(info.createdAt))")
        }
    }
}

/// The JSON members of a snapshot's information, shared by `list` and `show`.
enum SnapshotJSON {
    static func object(_ info: SnapshotInfo) -> [(String, JSONValue)] {
        [
            ("stream", .string(info.stream.description)), ("category", .string(info.stream.category)),
            ("version", .int(info.version)), ("schemaVersion", .int(Int64(info.schemaVersion))),
            ("sizeBytes", .int(info.size)), ("createdAt", .string(Timestamp.format(info.createdAt))),
        ]
    }
}
