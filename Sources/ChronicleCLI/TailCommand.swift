internal import ArgumentParser
internal import Chronicle

/// `chronicle tail`: the global log, optionally followed as it grows.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the global log from a position; --follow keeps printing new events.",
        discussion: ChronicleCommands.discussion(
            """
            Starts at the first event, at --from POSITION, or with --from-end after the last one.
            Filters combine: an event is printed when it matches one of the categories, one of the
            types and one of the streams given. With --follow, new events (from this process or any
            other writing to the store) are printed as the store signals them (for another process
            writing a SQLite store: within about 20 ms) until Ctrl-C or SIGTERM, which stop it
            cleanly with exit code 0. With --json, each event is one line in the export format.

            EXAMPLES
              chronicle tail --store events.sqlite
              chronicle tail --from-end --follow --category order
              chronicle tail --from 1200 --type OrderPaid --json | jq .data.amount
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The first position to print.", valueName: "position"))
    var from: Int64?

    @Flag(help: "Start after the last event (with --follow: only new events).")
    var fromEnd = false

    @Option(help: ArgumentHelp("Only events of this category (repeatable).", valueName: "category"))
    var category: [String] = []

    @Option(help: ArgumentHelp("Only events of this type (repeatable).", valueName: "type"))
    var type: [String] = []

    @Option(help: ArgumentHelp("Only events of this stream (repeatable).", valueName: "stream"))
    var stream: [String] = []

    @Option(parsing: .unconditional, help: "Stop after printing this many events.")
    var limit: Int?

    @Flag(name: [.short, .long], help: "Keep printing new events until interrupted.")
    var follow = false

    @Flag(help: "Print one JSON line per event instead of a table.")
    var json = false

    /// The most events read (and printed) at once.
    static let pageSize = 512

    func run() async throws {
        if from != nil && fromEnd { throw CommandError(.badInput, "give --from or --from-end, not both") }
        if let from, from < 0 {
            throw CommandError(
                .badInput, "--from must be a position of 0 or more, got \(from) (--from-end starts after the last event)")
        }
        if let limit, limit < 1 { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        let filter = EventFilter(
            categories: category.isEmpty ? nil : Set(try category.map(parseCategory)),
            streams: stream.isEmpty ? nil : Set(try stream.map(parseStream)),
            eventTypes: type.isEmpty ? nil : Set(type))
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let start = fromEnd ? try await opened.store.completePosition().next : GlobalPosition(from ?? 1)
        let printer = EventPrinter(json: json, output: .standardOutput)
        let store = opened.store
        let follow = self.follow
        let limit = self.limit
        let work: @Sendable () async throws -> Void = {
            try await Self.tail(store, from: start, filter: filter, follow: follow, limit: limit) { events in
                printer.print(events)
                printer.output.flush()
            }
        }
        if follow {
            _ = try await Interruption.run(work)
        } else {
            try await work()
        }
        printer.output.flush()
    }

    /// Prints events from `start` through a subscription of the store
    /// (``Chronicle/EventStore/subscribe(from:filter:batchSize:)``): its history
    /// up to the store's complete position, then, when following, new events as
    /// the store signals them, until the task is cancelled. The subscription
    /// keeps the visibility rule, so no event that commits late below a printed
    /// one is ever skipped. `deliver` gets each non-empty page, in order.
    static func tail(
        _ store: any EventStore, from start: GlobalPosition, filter: EventFilter, follow: Bool, limit: Int?,
        deliver: ([EventRecord]) -> Void
    ) async throws {
        var remaining = limit ?? Int.max
        let subscription = store.subscribe(from: start, filter: filter, batchSize: min(pageSize, remaining))
        for try await batch in subscription {
            let events = batch.events.prefix(remaining)
            if !events.isEmpty {
                deliver(Array(events))
                remaining -= events.count
            }
            if remaining == 0 || (batch.isCaughtUp && !follow) { return }
        }
    }
}

/// Prints events as table rows (aligned across pages) or JSON lines.
final class EventPrinter: Sendable {
    let json: Bool
    let output: TextOutput
    private let state = Locked<(widths: [Int], printedHeader: Bool)>(([], false))

    init(json: Bool, output: TextOutput) {
        self.json = json
        self.output = output
    }

    func print(_ records: [EventRecord]) {
        if json {
            for record in records { output.line(EventLine.encode(record)) }
            return
        }
        var table = Table([
            .init("POSITION", alignment: .right, style: .dim), .init("RECORDED", style: .dim),
            .init("STREAM", style: .cyan), .init("VERSION", alignment: .right), .init("TYPE", style: .bold),
            .init("DATA"),
        ])
        for record in records {
            table.append([
                String(record.position.rawValue), Formatting.time(record.recordedAt), record.stream.description,
                String(record.version), record.type, Formatting.compactData(record.data),
            ])
        }
        state.withLock { state in
            table.print(to: output, header: !state.printedHeader, widths: &state.widths)
            state.printedHeader = true
        }
    }
}
