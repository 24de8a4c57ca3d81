internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle checkpoints`: the group of `list` and `reset`.
struct CheckpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints",
        abstract: "List the positions projections and consumers have reached, or reset one.",
        discussion: ChronicleCommands.discussion(
            """
            A checkpoint is the last log position a projection or consumer has processed, kept in
            the store under its name.

            EXAMPLES
              chronicle checkpoints list --store events.sqlite
              chronicle checkpoints reset mailer --yes
            """),
        subcommands: [CheckpointsListCommand.self, CheckpointsResetCommand.self])
}

/// `chronicle checkpoints list`.
struct CheckpointsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every checkpoint with its position, lag and last update.",
        discussion: ChronicleCommands.discussion(
            """
            LAG counts the events after the checkpoint up to the head. A NOTE says when a rebuild
            started by an app's 'projections rebuild' was interrupted (the next rebuild continues it). With --json,
            each checkpoint is one JSON object on its own line.

            EXAMPLES
              chronicle checkpoints list --store events.sqlite
              chronicle checkpoints list --json | jq -r 'select(.lagEvents > 1000) | .name'
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object per checkpoint instead of a table.")
    var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let head = try await opened.store.headPosition()
        let all = try await opened.checkpoints.checkpoints()
        let markers = try await RebuildMarker.markers(in: opened.checkpoints)
        var lags: [String: Int64] = [:]
        for checkpoint in all {
            lags[checkpoint.name] = try await opened.store.eventCount(after: checkpoint.position, through: head)
        }
        var rows: [(name: String, checkpoint: Checkpoint?)] = all.filter { !RebuildMarker.isMarker($0.name) }
            .map { ($0.name, $0) }
        for name in markers.keys where !rows.contains(where: { $0.name == name }) { rows.append((name, nil)) }
        rows.sort { $0.name < $1.name }
        // Lag in events, counted by the store (its positions may skip numbers).
        func lag(_ name: String, _ position: GlobalPosition) async throws -> Int64 {
            if let known = lags[name] { return known }
            return try await opened.store.eventCount(after: position, through: head)
        }
        let out = TextOutput.standardOutput
        if json {
            for row in rows {
                let position = row.checkpoint?.position ?? .none
                let marker = markers[row.name]
                out.line(
                    JSONValue.object([
                        ("name", .string(row.name)), ("position", .int(position.rawValue)),
                        ("lagEvents", .int(try await lag(row.name, position))),
                        ("updatedAt", .optional(row.checkpoint.map { Timestamp.format($0.updatedAt) })),
                        ("unfinishedRebuild", marker.map { marker in
                            .object([
                                ("startedAt", .string(Timestamp.format(marker.updatedAt))),
                                ("headAtStart", .int(marker.position.rawValue)),
                            ])
                        } ?? .null),
                    ]).serialized())
            }
            return
        }
        guard !rows.isEmpty else {
            TextOutput.standardError.line("no checkpoints")
            return
        }
        var columns: [Table.Column] = [
            .init("NAME", style: .cyan), .init("POSITION", alignment: .right), .init("LAG", alignment: .right),
            .init("UPDATED", style: .dim),
        ]
        if !markers.isEmpty { columns.append(.init("NOTE", style: .yellow)) }
        var table = Table(columns)
        for row in rows {
            let position = row.checkpoint?.position ?? .none
            table.append([
                row.name, String(position.rawValue), Formatting.count(try await lag(row.name, position)),
                row.checkpoint.map { Formatting.time($0.updatedAt) } ?? "-",
                markers[row.name].map { "rebuild interrupted (started \(Formatting.time($0.updatedAt)))" } ?? "",
            ])
        }
        table.print(to: out)
    }
}

/// `chronicle checkpoints reset NAME`.
struct CheckpointsResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Remove a checkpoint, so that its projection or consumer reads the log from the start.",
        discussion: ChronicleCommands.discussion(
            """
            Stop every process that runs the projection or consumer first: a running one keeps its
            position in memory and writes it back. Only the checkpoint goes: a read model is not
            cleared, so a projection would apply every event again on top of what it holds. To
            start a projection over, use the app's own tool ('APP projections reset NAME' or
            'APP projections rebuild NAME'), which clears its read model too.

            Asks for confirmation on a terminal; scripts pass --yes (without a terminal and
            without --yes, nothing is changed and the exit code is 2).

            EXAMPLES
              chronicle checkpoints reset mailer --store events.sqlite
              chronicle checkpoints reset mailer --yes
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The checkpoint's name.")
    var name: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let checkpoint = try await opened.checkpoints.checkpoint(named: name)
        let marker = try await RebuildMarker.markers(in: opened.checkpoints)[name]
        guard !RebuildMarker.isMarker(name), checkpoint != nil || marker != nil else {
            let known = try await opened.checkpoints.checkpoints().map(\.name).filter { !RebuildMarker.isMarker($0) }
            throw CommandError(
                .badInput,
                "no checkpoint named '\(name)'; "
                    + (known.isEmpty ? "the store has none" : "known checkpoints: " + known.joined(separator: ", ")))
        }
        let position = checkpoint?.position ?? .none
        try Confirmation.require(
            yes: yes, action: "resetting checkpoint '\(name)'",
            question: "Reset checkpoint '\(name)' (at position \(position))? It reads the log from the start the next time it runs.",
            warning: "stop every process that runs '\(name)' before resetting its checkpoint: a running one would "
                + "write its position back. Its read model, if any, is not cleared.")
        try await opened.checkpoints.reset(named: name)
        try await RebuildMarker.clear(name, in: opened.checkpoints)
        TextOutput.standardOutput.line(
            "reset checkpoint '\(name)' (was at position \(position)): it reads the log from the start the next time it runs")
    }
}
