internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle dlq`: the group of `list`, `show`, `retry` and `purge`.
struct DeadLettersCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "dlq",
            abstract: "List, show, retry or purge the events projections and consumers gave up on.",
            discussion: ChronicleCommands.discussion(
                """
                A dead letter is an event a subscriber's handler failed on after its last retry,
                parked with the error and the number of attempts. 'retry' applies it again through
                the subscriber's handler, so it works in an app's own tool, which has that code; the
                standalone 'chronicle' can list, show and purge.

                EXAMPLES
                  chronicle dlq list --subscriber order-summary --store events.sqlite
                  chronicle dlq show 12
                  chronicle dlq purge --subscriber order-summary --yes
                """),
            subcommands: [
                DeadLettersListCommand.self, DeadLettersShowCommand.self, DeadLettersRetryCommand<Catalog>.self,
                DeadLettersPurgeCommand.self,
            ])
    }
}

/// The JSON form of a dead letter.
enum DeadLetterJSON {
    static func members(_ letter: DeadLetter) -> [(String, JSONValue)] {
        [
            ("id", .int(letter.id)), ("subscriber", .string(letter.consumer)),
            ("position", .int(letter.position.rawValue)), ("eventId", .string(letter.eventId.uuidString.lowercased())),
            ("stream", .string(letter.stream.description)), ("type", .string(letter.type)),
            ("attempts", .int(Int64(letter.attempts))), ("failedAt", .string(Timestamp.format(letter.failedAt))),
            ("error", .string(letter.error)),
        ]
    }

    /// The entry with this id, or bad input naming it.
    static func find(_ id: Int64, in opened: OpenedStore) async throws -> DeadLetter {
        guard let letter = try await opened.deadLetters.deadLetter(id: id) else {
            throw CommandError(.badInput, "no dead letter with id \(id) (see 'dlq list')")
        }
        return letter
    }
}

/// `chronicle dlq list`.
struct DeadLettersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters, oldest first.",
        discussion: ChronicleCommands.discussion(
            """
            With --json, each dead letter is one JSON object on its own line. When more follow than
            --limit, a note on standard error says so.

            EXAMPLES
              chronicle dlq list --store events.sqlite
              chronicle dlq list --subscriber order-summary --limit 10
              chronicle dlq list --json | jq -r .error
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only the dead letters of this projection or consumer.", valueName: "name"))
    var subscriber: String?

    @Option(parsing: .unconditional, help: "The most dead letters to list.")
    var limit = 100

    @Flag(help: "Print one JSON object per dead letter instead of a table.")
    var json = false

    func run() async throws {
        guard limit >= 1 else { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let page = try await opened.deadLetters.deadLetters(
            consumer: subscriber, limit: limit == Int.max ? limit : limit + 1)
        let shown = page.prefix(limit)
        let out = TextOutput.standardOutput
        if json {
            for letter in shown { out.line(JSONValue.object(DeadLetterJSON.members(letter)).serialized()) }
        } else if shown.isEmpty {
            TextOutput.standardError.line(subscriber.map { "no dead letters of '\($0)'" } ?? "no dead letters")
        } else {
            var table = Table([
                .init("ID", alignment: .right), .init("SUBSCRIBER", style: .cyan), .init("POSITION", alignment: .right),
                .init("STREAM"), .init("TYPE", style: .bold), .init("ATTEMPTS", alignment: .right),
                .init("FAILED", style: .dim), .init("ERROR", style: .red),
            ])
            for letter in shown {
                table.append([
                    String(letter.id), letter.consumer, String(letter.position.rawValue), letter.stream.description,
                    letter.type, String(letter.attempts), Formatting.time(letter.failedAt),
                    ErrorReport.oneLine(letter.error),
                ])
            }
            table.print(to: out)
        }
        if page.count > limit {
            out.flush()
            TextOutput.standardError.line("more dead letters follow: raise --limit or choose a --subscriber")
        }
    }
}

/// `chronicle dlq show ID`.
struct DeadLettersShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one dead letter and its event, read from the log, data pretty-printed.",
        discussion: ChronicleCommands.discussion(
            """
            With --json, one object: the dead letter's fields and "event", the event in the export
            format (null when the log no longer holds it, which also exits with 1).

            EXAMPLES
              chronicle dlq show 12 --store events.sqlite
              chronicle dlq show 12 --json | jq .event.data
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The dead letter's id (see 'dlq list').")
    var id: Int64

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let letter = try await DeadLetterJSON.find(id, in: opened)
        let event = try await opened.store.readAll(from: letter.position, limit: 1).first.flatMap {
            $0.position == letter.position && $0.id == letter.eventId ? $0 : nil
        }
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object(DeadLetterJSON.members(letter) + [("event", event.map(EventLine.json) ?? .null)])
                    .serialized())
        } else {
            out.line(out.styled("dead letter \(letter.id)", .bold) + "  " + out.styled(letter.consumer, .cyan))
            out.line(
                "    stream \(letter.stream)  type \(letter.type)  attempts \(letter.attempts)  failed "
                    + Timestamp.format(letter.failedAt))
            out.line("    error: " + out.styled(ErrorReport.oneLine(letter.error), .red))
            out.line()
            if let event {
                EventText.print(event, to: out)
            }
        }
        guard event != nil else {
            throw CommandError(
                .failure, "the log holds no event \(letter.eventId) at position \(letter.position) any more")
        }
    }
}

/// `chronicle dlq purge`.
struct DeadLettersPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete dead letters without retrying them.",
        discussion: ChronicleCommands.discussion(
            """
            Deletes one entry (--id), the entries of one subscriber (--subscriber), or every entry
            (neither). The events stay in the log; the subscribers do not apply them. Asks for
            confirmation on a terminal; scripts pass --yes (without a terminal and without --yes,
            nothing is deleted and the exit code is 2).

            EXAMPLES
              chronicle dlq purge --id 12 --store events.sqlite
              chronicle dlq purge --subscriber order-summary --yes
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only the dead letters of this projection or consumer.", valueName: "name"))
    var subscriber: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only this dead letter.", valueName: "id"))
    var id: Int64?

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let out = TextOutput.standardOutput
        if let id {
            let letter = try await DeadLetterJSON.find(id, in: opened)
            if let subscriber, letter.consumer != subscriber {
                throw CommandError(
                    .badInput, "dead letter \(id) belongs to '\(letter.consumer)', not to '\(subscriber)'")
            }
            try Confirmation.require(
                yes: yes, action: "purging dead letter \(id)",
                question: "Delete dead letter \(id) (\(letter.consumer), position \(letter.position)) without retrying it?")
            try await opened.deadLetters.remove(id: id)
            out.line("purged dead letter \(id)")
            return
        }
        let count = try await opened.deadLetters.count(consumer: subscriber)
        let whose = subscriber.map { " of '\($0)'" } ?? ""
        guard count > 0 else {
            out.line("no dead letters\(whose) to purge")
            return
        }
        try Confirmation.require(
            yes: yes, action: "purging \(count) dead letters",
            question: "Delete \(Formatting.count(count)) dead letter\(count == 1 ? "" : "s")\(whose) without retrying them?")
        let purged = try await opened.deadLetters.purge(consumer: subscriber)
        out.line("purged \(Formatting.count(purged)) dead letter\(purged == 1 ? "" : "s")\(whose)")
    }
}
