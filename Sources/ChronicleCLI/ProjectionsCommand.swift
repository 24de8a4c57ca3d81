internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `APP projections`: the group of `list`, `status`, `rebuild`, `catch-up` and
/// `reset`, for the projections of an app's ``ProjectionCatalog``.
struct ProjectionsCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "projections",
            abstract: "List, inspect, rebuild, catch up or reset the app's projections.",
            discussion: ChronicleCommands.discussion(
                """
                These commands run the projections in this process, on the store given with --store
                (or CHRONICLE_STORE). Each takes the projection's lease first, as the app's runner
                does: while another process runs the projection, rebuild, catch-up and reset refuse
                with one line naming the holder and when its lease expires (exit code 1).

                EXAMPLES
                  APP projections status
                  APP projections rebuild order-summary --yes
                  APP projections rebuild --all --yes
                """),
            subcommands: [
                ProjectionsListCommand<Catalog>.self, ProjectionsStatusCommand<Catalog>.self,
                ProjectionsRebuildCommand<Catalog>.self, ProjectionsCatchUpCommand<Catalog>.self,
                ProjectionsResetCommand<Catalog>.self,
            ])
    }
}

/// `APP projections list`.
struct ProjectionsListCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "List the projections with their guarantee, the events they handle and their failure policy.",
            discussion: ChronicleCommands.discussion(
                """
                With --json, each projection is one JSON object on its own line.

                EXAMPLES
                  APP projections list
                  APP projections list --json | jq -r .name
                """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object per projection instead of a table.")
    var json = false

    func run() async throws {
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions, access: .readOnly)
        defer { session.close() }
        let out = TextOutput.standardOutput
        if json {
            for projection in session.projections {
                let policy = projection.failurePolicy
                out.line(
                    JSONValue.object([
                        ("name", .string(projection.name)), ("guarantee", .string(projection.guarantee.rawValue)),
                        ("filter", Self.json(projection.filter)),
                        ("maxAttempts", .int(Int64(policy.maxAttempts))),
                        ("onExhausted", .string(policy.onExhausted == .skip ? "skip" : "stop")),
                    ]).serialized())
            }
            return
        }
        guard !session.projections.isEmpty else {
            TextOutput.standardError.line("this tool registers no projections")
            return
        }
        var table = Table([
            .init("NAME", style: .cyan), .init("GUARANTEE"), .init("EVENTS"), .init("ON FAILURE", style: .dim),
        ])
        for projection in session.projections {
            let policy = projection.failurePolicy
            table.append([
                projection.name, projection.guarantee.rawValue, Self.text(projection.filter),
                "\(policy.maxAttempts) attempt\(policy.maxAttempts == 1 ? "" : "s"), then "
                    + (policy.onExhausted == .skip ? "park and skip" : "park and stop"),
            ])
        }
        table.print(to: out)
    }

    static func text(_ filter: EventFilter) -> String {
        if filter.isAll { return "all" }
        var parts: [String] = []
        if let types = filter.eventTypes { parts.append("types " + types.sorted().joined(separator: ",")) }
        if let categories = filter.categories { parts.append("categories " + categories.sorted().joined(separator: ",")) }
        if let streams = filter.streams { parts.append("streams " + streams.map(\.description).sorted().joined(separator: ",")) }
        return parts.joined(separator: "; ")
    }

    static func json(_ filter: EventFilter) -> JSONValue {
        func list(_ values: Set<String>?) -> JSONValue { values.map { .array($0.sorted().map(JSONValue.string)) } ?? .null }
        return .object([
            ("eventTypes", list(filter.eventTypes)), ("categories", list(filter.categories)),
            ("streams", list(filter.streams.map { Set($0.map(\.description)) })),
        ])
    }
}

/// `APP projections status`.
struct ProjectionsStatusCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: "Show each projection's state, checkpoint, lag and dead letters.",
            discussion: ChronicleCommands.discussion(
                """
                STATE is 'caught up' (checkpoint at the head), 'behind', 'not started' (no checkpoint
                yet), 'stopped at position P' (it parked an event and its policy stops), or 'rebuild
                interrupted' (run the rebuild again to continue it). LAG counts the events after the
                checkpoint up to the head; LAG TIME the age of the oldest event it handles after its checkpoint.
                With --json, each projection is one JSON object on its own line.

                EXAMPLES
                  APP projections status
                  APP projections status --json | jq 'select(.lagEvents > 0)'
                """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object per projection instead of a table.")
    var json = false

    func run() async throws {
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions, access: .readOnly)
        defer { session.close() }
        let statuses = try await session.runner.status()
        let markers = try await RebuildMarker.markers(in: session.opened.checkpoints)
        var states: [String] = []
        for (projection, status) in zip(session.projections, statuses) {
            states.append(try await Self.state(projection, status, rebuilding: markers[status.name] != nil, session))
        }
        let out = TextOutput.standardOutput
        if json {
            for (status, state) in zip(statuses, states) {
                out.line(
                    JSONValue.object([
                        ("name", .string(status.name)), ("guarantee", .string(status.guarantee.rawValue)),
                        ("state", .string(state)), ("checkpoint", .int(status.checkpoint.rawValue)),
                        ("head", .int(status.head.rawValue)), ("lagEvents", .int(status.lag)),
                        ("lagSeconds", status.lagSeconds.map(JSONValue.double) ?? .null),
                        ("deadLetters", .int(Int64(status.deadLetters))),
                    ]).serialized())
            }
            return
        }
        guard !statuses.isEmpty else {
            TextOutput.standardError.line("this tool registers no projections")
            return
        }
        var table = Table([
            .init("NAME", style: .cyan), .init("GUARANTEE", style: .dim), .init("STATE"),
            .init("CHECKPOINT", alignment: .right), .init("HEAD", alignment: .right), .init("LAG", alignment: .right),
            .init("LAG TIME", alignment: .right), .init("DEAD LETTERS", alignment: .right),
        ])
        for (status, state) in zip(statuses, states) {
            table.append([
                status.name, status.guarantee.rawValue, state, String(status.checkpoint.rawValue),
                String(status.head.rawValue), Formatting.count(status.lag),
                status.lagSeconds.map(Formatting.duration) ?? "-", Formatting.count(status.deadLetters),
            ])
        }
        table.print(to: out)
    }

    /// What a projection is doing, as far as the store tells (no runner of this
    /// process is following it).
    static func state(
        _ projection: any RunnableProjection, _ status: ProjectionStatus, rebuilding: Bool, _ session: ProjectionSession
    ) async throws -> String {
        if rebuilding { return "rebuild interrupted" }
        if projection.failurePolicy.onExhausted == .stop && status.deadLetters > 0 {
            let letters = try await session.opened.deadLetters.deadLetters(consumer: status.name, limit: Int.max)
            if let stuck = letters.filter({ $0.position > status.checkpoint }).map(\.position).min() {
                return "stopped at position \(stuck)"
            }
        }
        if status.lag == 0 { return "caught up" }
        return status.checkpoint == .none ? "not started" : "behind"
    }
}

/// `APP projections reset NAME`.
struct ProjectionsResetCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reset",
            abstract: "Clear a projection's read model, checkpoint and dead letters.",
            discussion: ChronicleCommands.discussion(
                """
                The projection starts from the beginning of the log the next time it runs (its runner,
                'projections catch-up', or 'projections rebuild'). Exactly-once projections clear all
                three in one transaction. Asks for confirmation on a terminal; scripts pass --yes
                (without a terminal and without --yes, nothing changes and the exit code is 2).

                EXAMPLES
                  APP projections reset order-summary
                  APP projections reset order-summary --yes
                """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The projection.")
    var name: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions)
        defer { session.close() }
        let projection = try session.projection(named: name)
        let checkpoint = try await projection.checkpoint()
        let deadLetters = try await projection.deadLetterCount()
        try Confirmation.require(
            yes: yes, action: "resetting projection '\(name)'",
            question: "Reset projection '\(name)'? Its read model is cleared, its checkpoint (position \(checkpoint)) "
                + "and its \(Formatting.count(deadLetters)) dead letters removed.")
        try await session.runner.reset(name)
        try await RebuildMarker.clear(name, in: session.opened.checkpoints)
        TextOutput.standardOutput.line(
            "reset projection '\(name)': read model cleared, checkpoint (was \(checkpoint)) and "
                + "\(Formatting.count(deadLetters)) dead letters removed; it starts from the beginning the next time it runs")
    }
}
