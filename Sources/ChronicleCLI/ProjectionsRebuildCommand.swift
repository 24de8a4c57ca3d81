internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `APP projections rebuild NAME…|--all`: reset, then replay the log to the head,
/// continuing an interrupted rebuild instead of starting it over.
struct ProjectionsRebuildCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "rebuild",
            abstract: "Clear projections' read models and replay the log into them up to the head.",
            discussion: ChronicleCommands.discussion(
                """
                Every named projection (or all with --all) is reset (read model, checkpoint and dead
                letters cleared), then the log is replayed into it in batches up to the head as it
                was when the rebuild started. Progress shows as a bar on a terminal (events done out
                of the total, rate, time left) and as a line a second otherwise.

                Each batch commits with the projection's checkpoint, so Ctrl-C (or SIGTERM) stops
                the rebuild after the batch in flight with the projection consistent, prints how far
                it got, and exits with 130. Running the same command again continues from the
                checkpoint without resetting again (an unfinished rebuild is noted in the store);
                --restart starts over. 'rebuild --all' after an interrupted 'rebuild --all' finishes
                only the projections that were not done.

                Asks for confirmation on a terminal; scripts pass --yes (without a terminal and
                without --yes, nothing changes and the exit code is 2). While another process (the
                app's runner) holds a projection's lease, the rebuild refuses, naming the holder and
                when its lease expires, and exits with 1: stop the app first.

                EXAMPLES
                  APP projections rebuild order-summary
                  APP projections rebuild --all --yes
                  APP projections rebuild order-summary --restart --yes
                """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The projections to rebuild.")
    var names: [String] = []

    @Flag(help: "Rebuild every projection.")
    var all = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Start over even when an interrupted rebuild could be continued.")
    var restart = false

    @Option(parsing: .unconditional, help: "Events per batch (and per transaction for exactly-once projections).")
    var batchSize = 500

    func run() async throws {
        guard (1...100_000).contains(batchSize) else {
            throw CommandError(.badInput, "--batch-size must be between 1 and 100000, got \(batchSize)")
        }
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions, batchSize: batchSize)
        defer { session.close() }
        let selected = try session.select(names, all: all, command: "rebuild")
        let checkpoints = session.opened.checkpoints
        let markers = restart ? [:] : try await RebuildMarker.markers(in: checkpoints)
        let resuming = selected.filter { markers[$0] != nil }
        // After an interrupted `rebuild --all`, the projections without a marker were finished.
        let targets = all && !resuming.isEmpty ? resuming : selected
        let fresh = targets.filter { markers[$0] == nil }
        let head = try await session.opened.store.headPosition()

        let list = targets.map { "'\($0)'" }.joined(separator: ", ")
        let events = "\(Formatting.count(head.rawValue)) event\(head.rawValue == 1 ? "" : "s")"
        try Confirmation.require(
            yes: yes, action: "rebuilding \(targets.count == 1 ? "projection \(list)" : "\(targets.count) projections")",
            question: fresh.isEmpty
                ? "Continue the interrupted rebuild of \(list) (log head \(head))?"
                : "Rebuild \(list) from \(events)? The read model\(fresh.count == 1 ? " is" : "s are") cleared first.")
        let out = TextOutput.standardOutput
        for name in resuming where targets.contains(name) {
            let checkpoint = try await session.projection(named: name).checkpoint()
            out.line(
                "continuing the interrupted rebuild of '\(name)' from position \(checkpoint) "
                    + "(started \(Formatting.time(markers[name]!.updatedAt)); --restart starts over)")
        }
        if targets.count < selected.count {
            let done = selected.filter { !targets.contains($0) }.map { "'\($0)'" }.joined(separator: ", ")
            out.line("\(done) finished before the interruption; --restart rebuilds every projection again")
        }
        out.flush()

        let tracker = ReplayTracker()
        let interrupted = try await Interruption.run {
            // Resets are quick and must not be cut short: each one, then its marker.
            try await Task {
                for name in fresh {
                    try await session.runner.reset(name)
                    try await RebuildMarker.set(name, target: head, in: checkpoints)
                }
            }.value
            try Task.checkCancellation()
            try await ProjectionReplay.run(session, targets, verb: "rebuilding", done: "rebuilt", tracker: tracker)
        }
        if interrupted && !tracker.finished(all: targets) {
            throw try await tracker.interruption(session, targets, what: "rebuild")
        }
    }
}

/// `APP projections catch-up [NAME…]`: process the log up to the head.
struct ProjectionsCatchUpCommand<Catalog: ProjectionCatalog>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "catch-up",
            abstract: "Bring projections up to the head of the log from their checkpoints.",
            discussion: ChronicleCommands.discussion(
                """
                Processes the events after each projection's checkpoint up to the head, with the same
                progress display as 'rebuild', and nothing is reset: for apps that do not run their
                projections all the time, and to finish an interrupted rebuild. Without names, every
                projection. Ctrl-C stops after the batch in flight (exit code 130).

                EXAMPLES
                  APP projections catch-up
                  APP projections catch-up order-summary --store events.sqlite
                """))
    }

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The projections to catch up (all when none are named).")
    var names: [String] = []

    @Option(parsing: .unconditional, help: "Events per batch (and per transaction for exactly-once projections).")
    var batchSize = 500

    func run() async throws {
        guard (1...100_000).contains(batchSize) else {
            throw CommandError(.badInput, "--batch-size must be between 1 and 100000, got \(batchSize)")
        }
        let session = try await ProjectionSession.open(Catalog.self, storeOptions: storeOptions, batchSize: batchSize)
        defer { session.close() }
        let targets = try session.select(names, all: names.isEmpty, command: "catch up")
        let tracker = ReplayTracker()
        let interrupted = try await Interruption.run {
            try await ProjectionReplay.run(session, targets, verb: "catching up", done: "caught up", tracker: tracker)
        }
        if interrupted && !tracker.finished(all: targets) {
            throw try await tracker.interruption(session, targets, what: "catch-up")
        }
    }
}

/// Which projection a replay is on and which it has finished, for the
/// message after an interruption.
final class ReplayTracker: Sendable {
    private struct State {
        var current: String?
        var total: Int64 = 0
        var finished: Set<String> = []
    }

    private let state = Locked(State())

    func start(_ name: String, total: Int64) {
        state.withLock {
            $0.current = name
            $0.total = total
        }
    }

    func update(_ progress: RebuildProgress) {
        state.withLock { $0.total = progress.total }
    }

    func finish(_ name: String) {
        state.withLock { _ = $0.finished.insert(name) }
    }

    func finished(all names: [String]) -> Bool {
        state.withLock { state in names.allSatisfy(state.finished.contains) }
    }

    /// "rebuild of 'x' interrupted at N/M; run it again to continue".
    func interruption(_ session: ProjectionSession, _ targets: [String], what: String) async throws -> CommandError {
        let (current, total) = state.withLock { ($0.current, $0.total) }
        let name = current ?? targets.first { !finished(all: [$0]) } ?? targets[0]
        let done = try await session.projection(named: name).checkpoint()
        let head = current == nil ? try await session.opened.store.headPosition().rawValue : total
        return CommandError(
            .interrupted,
            "\(what) of '\(name)' interrupted at \(Formatting.count(done.rawValue))/\(Formatting.count(head)); "
                + "run it again to continue")
    }
}

/// Catches projections up to the head one after the other, with progress, and
/// marks each finished rebuild.
enum ProjectionReplay {
    static func run(
        _ session: ProjectionSession, _ targets: [String], verb: String, done: String, tracker: ReplayTracker
    ) async throws {
        let checkpoints = session.opened.checkpoints
        for name in targets {
            let projection = try session.projection(named: name)
            let baseline = try await projection.checkpoint()
            tracker.start(name, total: try await session.opened.store.headPosition().rawValue)
            let view = RebuildProgressView(verb: verb, projection: name, baseline: baseline.rawValue)
            let started = ContinuousClock.now
            do {
                try await session.runner.catchUp([name]) { progress in
                    tracker.update(progress)
                    view.update(progress)
                }
            } catch {
                view.abandon()
                throw error
            }
            let elapsed = started.duration(to: .now)
            // The replay is complete: record it even if an interruption arrives now.
            let (checkpoint, deadLetters) = try await Task {
                try await RebuildMarker.clear(name, in: checkpoints)
                return (try await projection.checkpoint(), try await projection.deadLetterCount())
            }.value
            tracker.finish(name)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let count = checkpoint.rawValue - baseline.rawValue
            var line = "\(done) \(name): \(Formatting.count(count)) event\(count == 1 ? "" : "s") "
                + "in \(String(format: "%.1f", seconds))s"
            if seconds > 0 && count > 0 { line += " (\(Formatting.count(Int64(Double(count) / seconds))) events/s)" }
            line += ", checkpoint \(checkpoint)"
            if deadLetters > 0 {
                line += "; \(Formatting.count(deadLetters)) dead letter\(deadLetters == 1 ? "" : "s") "
                    + "(see 'dlq list --subscriber \(name)')"
            }
            view.finish(line)
        }
    }
}
