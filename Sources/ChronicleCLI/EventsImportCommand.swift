internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle events import`: JSON Lines back into a store, resumably.
struct EventsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import JSON Lines written by 'events export'; resumable and atomic per batch.",
        discussion: ChronicleCommands.discussion(
            """
            The store must exist (create it with 'chronicle init'). By default the import reproduces
            the export exactly: ids, streams, versions, order, positions and recorded-at times. That
            needs an empty store and a file whose positions start at 1 and have no holes; a store
            that holds other events is refused (exit code 3). With --append, events get new positions
            after the store's head and keep their ids, versions and times; each stream must continue
            at the version the file says (else exit code 3).

            Events already present with the same id, stream and version (and position, without
            --append) are skipped, so an import that was interrupted (even killed) can simply be run
            again. Each batch of --batch-size lines is one transaction. A malformed line stops the
            import with its line number (exit code 2); the batches before it are written, nothing
            after. Use - as FILE to read standard input.

            EXAMPLES
              chronicle init --store copy.sqlite
              chronicle events import backup.jsonl --store copy.sqlite
              chronicle events import extra.jsonl --append --store events.sqlite
              chronicle events export --store a.db | chronicle events import - --store b.db
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "file"))
    var file: String

    @Flag(help: "Give the events new positions after the store's head instead of keeping theirs.")
    var append = false

    @Option(parsing: .unconditional, help: "Lines per transaction.")
    var batchSize = 500

    @Flag(help: "Print a line for every batch written.")
    var verbose = false

    @Flag(help: "Print the summary as one JSON object.")
    var json = false

    func run() async throws {
        guard (1...10_000).contains(batchSize) else {
            throw CommandError(.badInput, "--batch-size must be between 1 and 10000, got \(batchSize)")
        }
        let input: FileHandle
        var inputSize: Int64?
        if file == "-" {
            input = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw CommandError(.badInput, "cannot read import file '\(file)'")
            }
            input = handle
            inputSize = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
        }
        defer { try? input.close() }
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        var importer = BatchImporter(
            store: opened.store, positions: append ? .assignAfterHead : .keep, verbose: verbose,
            headBefore: try await opened.store.headPosition())
        let reader = LineReader(handle: input)
        let progress = ProgressReporter(task: "importing", unit: "events")
        defer { progress.finish() }
        var batch: [(record: EventRecord, line: Int)] = []
        do {
            while let line = try reader.nextLine() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let record: EventRecord
                do {
                    record = try EventLine.decode(line)
                } catch let error as CommandError {
                    throw importer.stopped(at: reader.lineNumber, error.status, error.message ?? "invalid line")
                }
                try await importer.check(record, line: reader.lineNumber)
                batch.append((record, reader.lineNumber))
                if batch.count == batchSize {
                    try await importer.write(batch)
                    batch.removeAll(keepingCapacity: true)
                    let fraction = inputSize.map { Double(reader.bytesConsumed) / Double(max($0, 1)) }
                    progress.update(count: Int64(importer.imported + importer.skipped), fraction: fraction)
                }
            }
            try await importer.write(batch)
        } catch let error as CocoaError {
            throw importer.stopped(
                at: reader.lineNumber + 1, .failure, "cannot read '\(file)': \(error.localizedDescription)")
        }
        progress.finish()
        let head = try await opened.store.headPosition()
        if json {
            TextOutput.standardOutput.line(
                JSONValue.object([
                    ("imported", .int(Int64(importer.imported))), ("skipped", .int(Int64(importer.skipped))),
                    ("lines", .int(Int64(reader.lineNumber))), ("headPosition", .int(head.rawValue)),
                ]).serialized())
        } else {
            TextOutput.standardOutput.line(
                "imported \(Formatting.count(importer.imported)) events (\(Formatting.count(importer.skipped)) "
                    + "already present) from \(file == "-" ? "standard input" : file); head position is now \(head)")
        }
    }
}

/// The import's state: what it checked, wrote and skipped.
struct BatchImporter {
    let store: any StreamCatalog & EventStoreImporting
    let positions: ImportPositions
    let verbose: Bool
    let headBefore: GlobalPosition
    private(set) var imported = 0
    private(set) var skipped = 0
    private var lastCommittedLine = 0
    private var previous: (position: GlobalPosition, line: Int)?

    init(store: any StreamCatalog & EventStoreImporting, positions: ImportPositions, verbose: Bool, headBefore: GlobalPosition) {
        self.store = store
        self.positions = positions
        self.verbose = verbose
        self.headBefore = headBefore
    }

    /// Checks a parsed record before it joins a batch: when positions are kept,
    /// they must continue without holes, and the store must be empty or hold
    /// this very file's beginning (an earlier, interrupted run).
    mutating func check(_ record: EventRecord, line: Int) async throws {
        defer { previous = (record.position, line) }
        guard positions == .keep else { return }
        if let previous {
            guard record.position == previous.position.next else {
                throw stopped(
                    at: line, .badInput,
                    "position \(record.position) does not follow position \(previous.position) of line "
                        + "\(previous.line): positions with holes or out of order cannot be kept; "
                        + "use --append to give the events new positions")
            }
            return
        }
        if headBefore == .none {
            guard record.position == .start else {
                throw stopped(
                    at: line, .badInput,
                    "the file starts at position \(record.position), but an empty store starts at 1: positions "
                        + "cannot be kept; use --append to give the events new positions")
            }
            return
        }
        let stored = record.position <= headBefore ? try await store.readAll(from: record.position, limit: 1) : []
        guard let first = stored.first, first.position == record.position, first.id == record.id else {
            throw stopped(
                at: line, .conflict,
                "the store already holds events (head position \(headBefore)) that did not come from this "
                    + "file: import into an empty store (chronicle init --store sqlite:NEW.sqlite), or pass --append "
                    + "to add the events after them")
        }
    }

    /// Writes one batch in one transaction.
    mutating func write(_ batch: [(record: EventRecord, line: Int)]) async throws {
        guard let last = batch.last else { return }
        let result: ImportResult
        do {
            result = try await store.importEvents(batch.map(\.record), positions: positions)
        } catch let error as EventStoreError {
            let line = error.eventId.flatMap { id in batch.first(where: { $0.record.id == id })?.line }
            throw stopped(
                at: line ?? batch[0].line, ErrorReport.status(for: error.code),
                error.message + (line == nil ? " (in the batch of lines \(batch[0].line)–\(last.line))" : ""))
        }
        imported += result.imported
        skipped += result.skipped
        lastCommittedLine = last.line
        if verbose {
            let written = result.positions.map { " at positions \($0.lowerBound)–\($0.upperBound)" } ?? ""
            TextOutput.standardOutput.line(
                "lines \(batch[0].line)–\(last.line): \(result.imported) imported\(written), "
                    + "\(result.skipped) already present")
            TextOutput.standardOutput.flush()
        }
    }

    /// The error that stops the import at `line`, saying what was written before it.
    func stopped(at line: Int, _ status: ExitStatus, _ message: String) -> CommandError {
        let before: String
        if lastCommittedLine == 0 {
            before = "nothing was imported"
        } else {
            before = "lines 1–\(lastCommittedLine) were imported (\(imported) new, \(skipped) already present), "
                + "nothing after"
        }
        return CommandError(status, "line \(line): \(message); \(before)")
    }
}
