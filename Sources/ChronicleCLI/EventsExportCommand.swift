internal import ArgumentParser
internal import Chronicle
internal import Foundation

/// `chronicle events export`: the log as JSON Lines.
struct EventsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log (or a range of positions) as JSON Lines.",
        discussion: ChronicleCommands.discussion(
            """
            Writes to standard output, or to --output FILE: the file appears complete or not at all
            (it is written as FILE.partial, flushed to disk, then renamed). A summary goes to
            standard error; on a terminal, so does progress.

            EXAMPLES
              chronicle events export --store events.sqlite --output backup.jsonl
              chronicle events export --from 1001 --to 2000 > slice.jsonl
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The first position to export.", valueName: "position"))
    var from: Int64 = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The last position to export (default: the head when the export starts).", valueName: "position"))
    var to: Int64?

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: [.short, .long], help: "Print no summary.")
    var quiet = false

    func run() async throws {
        guard from >= 0 else { throw CommandError(.badInput, "--from must be a position of 0 or more, got \(from)") }
        if let to, to < 0 { throw CommandError(.badInput, "--to must be a position of 0 or more, got \(to)") }
        if let to, to < from { throw CommandError(.badInput, "--to \(to) is before --from \(from)") }
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        let head = try await opened.store.headPosition()
        let last = min(to ?? head.rawValue, head.rawValue)
        let sink = try ExportSink(path: output)
        let progress = ProgressReporter(task: "exporting", unit: "events")
        var count: Int64 = 0
        var first: GlobalPosition?
        var lastWritten: GlobalPosition?
        do {
            var next = GlobalPosition(max(from, 1))
            let span = Double(max(last - next.rawValue + 1, 1))
            exporting: while next.rawValue <= last {
                let page = try await opened.store.readAll(from: next, limit: 1000)
                for record in page {
                    if record.position.rawValue > last { break exporting }
                    try sink.write(EventLine.encode(record))
                    count += 1
                    if first == nil { first = record.position }
                    lastWritten = record.position
                }
                guard let end = page.last else { break }
                next = end.position.next
                progress.update(count: count, fraction: Double(end.position.rawValue - from + 1) / span)
            }
            try sink.finish()
        } catch {
            progress.finish()
            sink.abandon()
            throw error
        }
        progress.finish()
        if !quiet {
            let range = first.map { " (positions \($0)–\(lastWritten ?? $0))" } ?? ""
            TextOutput.standardError.line(
                "exported \(Formatting.count(count)) events\(range)" + (output.map { " to \($0)" } ?? ""))
        }
    }
}

/// Where an export writes: standard output, or a file written under a temporary
/// name and renamed into place when complete.
final class ExportSink {
    private let path: String?
    private let temporaryPath: String?
    private let handle: FileHandle?
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        self.path = path
        guard let path else {
            temporaryPath = nil
            handle = nil
            return
        }
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CommandError(.failure, "cannot create '\(temporary)': check that its directory exists and is writable")
        }
        temporaryPath = temporary
        guard let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CommandError(.failure, "cannot write '\(temporary)'")
        }
        self.handle = handle
    }

    func write(_ line: String) throws {
        guard let handle else {
            TextOutput.standardOutput.line(line)
            return
        }
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 18 {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws {
        guard let handle, let path, let temporaryPath else {
            TextOutput.standardOutput.flush()
            return
        }
        do {
            try handle.write(contentsOf: buffer)
            buffer.removeAll()
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CommandError(.failure, "cannot write '\(temporaryPath)': \(ErrorReport(error).message ?? "I/O error")")
        }
        guard rename(temporaryPath, path) == 0 else {
            throw CommandError(.failure, "cannot rename '\(temporaryPath)' to '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    func abandon() {
        guard let handle, let temporaryPath else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
