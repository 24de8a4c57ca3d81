internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `dlq retry ID|--subscriber S`: in an app's tool, applies parked events again
/// through their projections; in the standalone tool, explains why it cannot.
struct DeadLettersRetryCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var isStandalone: Bool { Catalog.self == NoProjectionCatalog.self }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "retry",
            abstract: isStandalone
                ? "Retry dead letters: needs the subscriber's code, so run it from the app's own tool."
                : "Apply dead letters again through their projections; remove those that succeed.",
            discussion: ChronicleCommands.discussion(
                isStandalone
                    ? """
                    Retrying applies the parked event through the subscriber's handler, which is app
                    code that 'chronicle' does not have: this command only explains that and exits
                    with 2. An app that embeds ChronicleCLI with its projections
                    (ChronicleCommands.storeCommands(projections:)) has a working 'dlq retry'. Here,
                    'dlq list', 'dlq show' and 'dlq purge' work.
                    """
                    : """
                    Each dead letter's event is read from the log and applied once through its
                    projection. On success the entry is removed (for exactly-once projections in the
                    same transaction as the read-model writes); on failure it stays, with one more
                    attempt and the new error, and the exit code is 1. A projection that skipped the
                    event gets it out of order and keeps its checkpoint; a projection stopped at it
                    applies it and goes on after it; a projection that stops on failures and has
                    since gone past the event had applied it already, and its entry is just removed.
                    Each retry holds the projection's lease; while another process runs the
                    projection, it refuses (exit code 1).

                    EXAMPLES
                      APP dlq retry 12 --store events.sqlite
                      APP dlq retry --subscriber order-summary
                      APP dlq retry --subscriber order-summary --json | jq -r .result
                    """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The dead letter's id (see 'dlq list').")
    var id: Int64?

    @Option(help: ArgumentHelp("Retry every dead letter of this projection, oldest first.", valueName: "name"))
    var subscriber: String?

    @Flag(help: "Print one JSON object per dead letter instead of text.")
    var json = false

    func run() async throws {
        if Self.isStandalone {
            throw CommandError(
                .badInput,
                "retrying a dead letter runs the subscriber's handler, which this tool does not have: run 'dlq retry' "
                    + "from the app's own command-line tool (it embeds ChronicleCLI with its projections); "
                    + "'chronicle dlq purge' removes entries without retrying them")
        }
        if (id == nil) == (subscriber == nil) {
            throw CommandError(.badInput, "give a dead letter's id or --subscriber NAME (one of them)")
        }
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions)
        defer { session.close() }
        let letters: [DeadLetter]
        if let id {
            letters = [try await DeadLetterJSON.find(id, in: session.opened)]
        } else {
            letters = try await session.opened.deadLetters.deadLetters(consumer: subscriber, limit: Int.max)
        }
        for name in Set(letters.map(\.consumer)).sorted() where !session.names.contains(name) {
            throw CommandError(
                .badInput,
                "dead letters of '\(name)' cannot be retried here: this tool has no projection of that name; "
                    + ProjectionSession.known(session.names))
        }
        if let subscriber, letters.isEmpty {
            _ = try session.projection(named: subscriber)
            TextOutput.standardOutput.line("no dead letters of '\(subscriber)' to retry")
            return
        }
        let out = TextOutput.standardOutput
        var failed = 0
        for letter in letters {
            let result = try await session.runner.retry(letter)
            if case .failed = result { failed += 1 }
            if json {
                out.line(JSONValue.object(Self.json(letter, result)).serialized())
            } else {
                out.line(Self.text(letter, result, out))
            }
            out.flush()
        }
        if failed > 0 {
            throw CommandError(
                .failure,
                letters.count == 1
                    ? "dead letter \(letters[0].id) failed again; it stays in the dead-letter table"
                    : "\(failed) of \(letters.count) dead letters failed again; they stay in the dead-letter table")
        }
    }

    private static func text(_ letter: DeadLetter, _ result: DeadLetterRetryResult, _ out: TextOutput) -> String {
        let what = "dead letter \(letter.id) (\(letter.consumer), position \(letter.position))"
        switch result {
        case .applied:
            return out.styled("retried", .green) + " \(what): applied, entry removed"
        case .alreadyApplied:
            return out.styled("removed", .green) + " \(what): the projection had applied it since it was parked"
        case .failed(let kept):
            return out.styled("failed", .red)
                + " \(what) again (attempt \(kept.attempts)): \(ErrorReport.oneLine(kept.error))"
        case .notReached(let checkpoint):
            return out.styled("left", .yellow)
                + " \(what): the projection is at position \(checkpoint) and will meet the event when it runs"
        case .gone:
            return out.styled("skipped", .yellow) + " \(what): no longer in the dead-letter table"
        }
    }

    private static func json(_ letter: DeadLetter, _ result: DeadLetterRetryResult) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("id", .int(letter.id)), ("subscriber", .string(letter.consumer)),
            ("position", .int(letter.position.rawValue)),
        ]
        switch result {
        case .applied: members.append(("result", .string("applied")))
        case .alreadyApplied: members.append(("result", .string("already applied")))
        case .failed(let kept):
            members += [
                ("result", .string("failed")), ("attempts", .int(Int64(kept.attempts))), ("error", .string(kept.error)),
            ]
        case .notReached(let checkpoint):
            members += [("result", .string("not reached")), ("checkpoint", .int(checkpoint.rawValue))]
        case .gone: members.append(("result", .string("gone")))
        }
        return members
    }
}
