internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle bus dlq`: a consumer group's dead letters.
struct BusDeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List, retry or purge the messages a consumer group gave up on.",
        discussion: ChronicleCommands.discussion(
            """
            A group dead-letters a message when its handler failed on every attempt of the group's
            failure policy, or when the message expired (error "expired") before the group handled it.
            'retry' delivers dead letters again to that group only: the group's running members take
            them before their topics.

            EXAMPLES
              chronicle bus dlq list --group billing --store shop.sqlite
              chronicle bus dlq retry --group billing
              chronicle bus dlq purge --group billing --id 7 --yes
            """),
        subcommands: [BusDeadLettersListCommand.self, BusDeadLettersRetryCommand.self, BusDeadLettersPurgeCommand.self])
}

/// The JSON form of a bus dead letter.
enum BusDeadLetterJSON {
    static func members(_ letter: DeadLetter) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("id", .int(letter.id)), ("group", .string(letter.consumer)),
            ("position", .int(letter.position.rawValue)), ("messageId", .string(letter.eventId.uuidString.lowercased())),
            ("stream", .string(letter.stream.description)), ("type", .string(letter.type)),
            ("attempts", .int(Int64(letter.attempts))),
        ]
        if let first = letter.firstFailedAt { members.append(("firstFailedAt", .string(Timestamp.format(first)))) }
        members += [("failedAt", .string(Timestamp.format(letter.failedAt))), ("error", .string(letter.error))]
        return members
    }

    /// The dead letters of `group` to act on: the one with `id`, or all of them.
    static func select(group: String, id: Int64?, in opened: OpenedStore) async throws -> [DeadLetter] {
        guard let id else { return try await opened.deadLetters.deadLetters(consumer: group, limit: Int.max) }
        guard let letter = try await opened.deadLetters.deadLetter(id: id) else {
            throw CommandError(.badInput, "no dead letter with id \(id) (see 'bus dlq list --group \(group)')")
        }
        guard letter.consumer == group else {
            throw CommandError(.badInput, "dead letter \(id) belongs to '\(letter.consumer)', not to group '\(group)'")
        }
        return [letter]
    }
}

/// `chronicle bus dlq list`.
struct BusDeadLettersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a group's dead letters, oldest first.",
        discussion: ChronicleCommands.discussion(
            """
            With --json, each dead letter is one JSON object on its own line. When more follow than
            --limit, a note on standard error says so.

            EXAMPLES
              chronicle bus dlq list --group billing --store shop.sqlite
              chronicle bus dlq list --group billing --json | jq -r .error
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The consumer group.", valueName: "name"))
    var group: String

    @Option(parsing: .unconditional, help: "The most dead letters to list.")
    var limit = 100

    @Flag(help: "Print one JSON object per dead letter instead of a table.")
    var json = false

    func run() async throws {
        let group = try parseGroup(group)
        guard limit >= 1 else { throw CommandError(.badInput, "--limit must be at least 1, got \(limit)") }
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let page = try await opened.deadLetters.deadLetters(consumer: group, limit: limit == Int.max ? limit : limit + 1)
        let shown = page.prefix(limit)
        let out = TextOutput.standardOutput
        if json {
            for letter in shown { out.line(JSONValue.object(BusDeadLetterJSON.members(letter)).serialized()) }
        } else if shown.isEmpty {
            TextOutput.standardError.line("no dead letters of group '\(group)'")
        } else {
            var table = Table([
                .init("ID", alignment: .right), .init("POSITION", alignment: .right), .init("STREAM"),
                .init("TYPE", style: .bold), .init("ATTEMPTS", alignment: .right), .init("FIRST FAILED", style: .dim),
                .init("LAST FAILED", style: .dim), .init("ERROR", style: .red),
            ])
            for letter in shown {
                table.append([
                    String(letter.id), String(letter.position.rawValue), letter.stream.description, letter.type,
                    String(letter.attempts), letter.firstFailedAt.map(Formatting.time) ?? "-",
                    Formatting.time(letter.failedAt), ErrorReport.oneLine(letter.error),
                ])
            }
            table.print(to: out)
        }
        if page.count > limit {
            out.flush()
            TextOutput.standardError.line("more dead letters follow: raise --limit")
        }
    }
}

/// `chronicle bus dlq retry`.
struct BusDeadLettersRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Deliver a group's dead letters again, to that group only.",
        discussion: ChronicleCommands.discussion(
            """
            Each dead letter (--id, or all of the group's) is put in the group's redelivery stream
            and removed from the list; the group's running members (now or when one starts) deliver it
            before their topics' messages. A message that fails again is retried and dead-lettered
            again by the group's policy. Prints how many were requeued.

            EXAMPLES
              chronicle bus dlq retry --group billing --store shop.sqlite
              chronicle bus dlq retry --group billing --id 7 --json
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The consumer group.", valueName: "name"))
    var group: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Only this dead letter.", valueName: "id"))
    var id: Int64?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let group = try parseGroup(group)
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let letters = try await BusDeadLetterJSON.select(group: group, id: id, in: opened)
        var requeued: [Int64] = []
        for letter in letters where try await opened.bus.retryDeadLetter(letter) != nil {
            requeued.append(letter.id)
        }
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object([
                    ("group", .string(group)), ("requeued", .int(Int64(requeued.count))),
                    ("ids", .array(requeued.map { .int($0) })),
                ]).serialized())
        } else {
            out.line("requeued \(Formatting.count(requeued.count)) dead letter\(requeued.count == 1 ? "" : "s") for group '\(group)'")
        }
    }
}

/// `chronicle bus dlq purge`.
struct BusDeadLettersPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete a group's dead letters without delivering them.",
        discussion: ChronicleCommands.discussion(
            """
            Deletes one entry (--id) or all of the group's. The messages stay in the log; the group
            does not get them again. Asks for confirmation on a terminal; scripts pass --yes (without
            a terminal and without --yes, nothing is deleted and the exit code is 2).

            EXAMPLES
              chronicle bus dlq purge --group billing --id 7 --store shop.sqlite
              chronicle bus dlq purge --group billing --yes
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The consumer group.", valueName: "name"))
    var group: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Only this dead letter.", valueName: "id"))
    var id: Int64?

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let group = try parseGroup(group)
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let out = TextOutput.standardOutput
        if let id {
            let letter = try await BusDeadLetterJSON.select(group: group, id: id, in: opened)[0]
            try Confirmation.require(
                yes: yes, action: "purging dead letter \(id)",
                question: "Delete dead letter \(id) (\(letter.type) in \(letter.stream)) without delivering it?")
            try await opened.deadLetters.remove(id: id)
            out.line("purged dead letter \(id) of group '\(group)'")
            return
        }
        let count = try await opened.deadLetters.count(consumer: group)
        guard count > 0 else {
            out.line("no dead letters of group '\(group)' to purge")
            return
        }
        try Confirmation.require(
            yes: yes, action: "purging \(count) dead letters",
            question: "Delete \(Formatting.count(count)) dead letter\(count == 1 ? "" : "s") of group '\(group)' without delivering them?")
        let purged = try await opened.deadLetters.purge(consumer: group)
        out.line("purged \(Formatting.count(purged)) dead letter\(purged == 1 ? "" : "s") of group '\(group)'")
    }
}
