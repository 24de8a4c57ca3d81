internal import ArgumentParser
internal import Chronicle
internal import Dispatch
internal import Foundation
internal import Logging

/// `chronicle bus consume`: joins a consumer group and prints what it is given.
struct BusConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Join a consumer group and print each delivered message as one JSON line.",
        discussion: ChronicleCommands.discussion(
            """
            The process becomes a member of --group for the topics given ($all for every topic) and
            prints each message it is given in the export format ("position", "stream", "version",
            "id", "type", "schemaVersion", "data", "metadata", "recordedAt"), one per line. A message is
            acknowledged only after its line is written and flushed: a process killed before that
            leaves it to the group, which delivers it again. Several processes with one --group share
            the topics' streams by partition (each stream's messages stay in order in one process);
            a killed member's partitions move to the others once its leases expire (--lease).
            The process also publishes delayed messages that fall due (one process at a time).

            It runs until interrupted (exit 130), until --max messages were printed, or until no
            message came for --idle-exit (exit 0).

            EXAMPLES
              chronicle bus consume orders --group billing --store shop.sqlite
              chronicle bus consume orders payments --group audit --max 100
              chronicle bus consume '$all' --group archive --idle-exit 5s > messages.jsonl
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The topics (stream categories), or $all.", valueName: "topic"))
    var topics: [String]

    @Option(help: ArgumentHelp("The consumer group.", valueName: "name"))
    var group: String

    @Option(help: ArgumentHelp("This member's id; a new process-unique id by default.", valueName: "id"))
    var member: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop after printing this many messages.", valueName: "n"))
    var max: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Stop when no message came for this long (250ms, 5s; a plain number is seconds).", valueName: "duration"))
    var idleExit: String?

    @Option(parsing: .unconditional, help: "The group's partition count (fixed once the group has consumed).")
    var partitions = 8

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How long this member's hold on its partitions lasts without renewal.", valueName: "duration"))
    var lease = "10s"

    func run() async throws {
        if topics.isEmpty { throw CommandError(.badInput, "name at least one topic, or $all") }
        let topics = try self.topics.map(parseTopic)
        let groupName = try parseGroup(group)
        if let max, max < 1 { throw CommandError(.badInput, "--max must be at least 1, got \(max)") }
        let idle = try idleExit.map { try DurationText.parse($0, option: "--idle-exit") }
        let leaseDuration = try DurationText.parse(lease, option: "--lease")
        var group: ConsumerGroup
        do {
            group = try ConsumerGroup(groupName, topics: topics, partitions: partitions, member: member ?? Lease.processOwner())
        } catch let error as EventStoreError {
            throw CommandError(.badInput, error.message)
        }
        group.leaseDuration = leaseDuration

        let opened = try await storeOptions.open(.createIfMissing)
        defer { opened.close() }
        // Joining and leaving are not news on a terminal; trouble (a lease that
        // could not be renewed, a storage error) is, on standard error.
        var logger = Logger(label: "chronicle.bus") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let bus = opened.bus.with(logger: logger)
        let printer = ConsumedMessagePrinter(limit: max)
        let consumeGroup = group
        let interrupted = try await Interruption.run {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await bus.consume(consumeGroup) { message in try await printer.print(message) }
                }
                tasks.addTask { try await printer.waitUntilDone(idle: idle) }
                // Whichever ends first (the limit or idleness reached, or the consumer
                // failing) ends the other: the consumer leaves the group gracefully.
                defer {
                    tasks.cancelAll()
                    // Handlers held back past --max give their messages up (unacknowledged).
                    printer.finish()
                }
                try await tasks.next()
            }
        }
        if interrupted { throw CommandError(.interrupted, nil) }
    }
}

/// Prints delivered messages one line each, flushed before the message counts
/// as handled, and tells the command when it has printed enough or idled long enough.
final class ConsumedMessagePrinter: Sendable {
    private struct State {
        /// Messages let through to be printed (at most the limit).
        var admitted = 0
        /// Messages whose line is written and flushed.
        var printed = 0
        var lastActivity = ContinuousClock.now
        /// The command is ending: handlers past the limit give their messages up.
        var finished = false
        /// Handlers past the limit, held until then.
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let limit: Int?
    private let state = Locked(State())
    private let output = TextOutput.standardOutput
    private let writer = DispatchQueue(label: "chronicle.bus.consume.output")

    init(limit: Int?) { self.limit = limit }

    /// Prints one message; past the limit, waits (unprinted, unacknowledged) until the consumer stops.
    func print(_ message: ReceivedMessage) async throws {
        let admitted = state.withLock { state -> Bool in
            if let limit, state.admitted >= limit { return false }
            state.admitted += 1
            state.lastActivity = .now
            return true
        }
        if !admitted {
            // Never acknowledged: held until the command ends, then given up. (A handler
            // runs in a task of its own, which stopping the consumer does not cancel.)
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.finished { return true }
                    state.held.append(finished)
                    return false
                }
                if now { finished.resume() }
            }
            throw CancellationError()
        }
        let line = EventLine.encode(message.record)
        let output = output
        // A write blocks while the reader of standard output is slow (a full pipe): it
        // runs on the writer's thread, not one of Swift's cooperative pool, so that the
        // member goes on renewing its leases meanwhile. One queue: lines of concurrent
        // partitions never interleave.
        await withCheckedContinuation { (written: CheckedContinuation<Void, Never>) in
            writer.async {
                output.line(line)
                output.flush()
                written.resume()
            }
        }
        state.withLock { $0.printed += 1 }
    }

    /// Lets the handlers held past the limit end (without acknowledging their messages).
    func finish() {
        let held = state.withLock { state in
            state.finished = true
            defer { state.held = [] }
            return state.held
        }
        for handler in held { handler.resume() }
    }

    /// Returns when the limit was reached or nothing was printed for `idle`.
    func waitUntilDone(idle: Duration?) async throws {
        while true {
            let (printed, last) = state.withLock { ($0.printed, $0.lastActivity) }
            if let limit, printed >= limit { return }
            var wake = ContinuousClock.now + .milliseconds(50)
            if let idle {
                if ContinuousClock.now >= last + idle { return }
                wake = min(wake, last + idle)
            }
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }
}
