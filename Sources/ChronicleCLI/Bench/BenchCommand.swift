internal import ArgumentParser
internal import Chronicle
internal import Foundation
internal import Synchronization

/// `chronicle bench`: measures appends, loads, replay, projection rebuild,
/// subscription latency and bus throughput on fresh stores (SQLite files, or
/// PostgreSQL databases).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure appends, loads, replay, projection rebuild, subscription latency and bus throughput.",
        discussion: ChronicleCommands.discussion(
            """
            Each workload runs on a fresh store (a temporary SQLite file unless --store names another place) \
            through the typed aggregate API (an Order domain of OrderPlaced, ItemAdded and OrderPaid events): \
            creating and encoding events is timed, as an app pays for it. Measure a release build \
            (swift build -c release) on a quiet machine, and repeat runs.

            With --store postgres://…, the URL names a database that must not exist: each workload creates it \
            (the role needs CREATEDB and must be able to connect to the server's 'postgres' database), and drops \
            it afterwards, also when the run fails or is interrupted.

            WORKLOADS
            \(BenchWorkload.allCases.map { "  \($0.rawValue.padding(toLength: 21, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))

            MS is the median operation (an append, a load, a delivery), or the whole run for replay-all and \
            projection-rebuild; P99 MS is the 99th percentile operation (a page, a batch for those two). \
            bus-throughput's rate runs from the first publish to the last delivery, and its delivery is the time \
            from the publish call to the handler.

            EXAMPLES
              chronicle bench
              chronicle bench --durability normal --workload append-single append-stream
              chronicle bench --scale 0.1 --json | jq '."append-concurrent".events_per_s'
              chronicle bench --workload append-batch bus-throughput
              chronicle bench --workload append-concurrent --writers 8
              chronicle bench --store sqlite:/mnt/ssd/bench.sqlite
              chronicle bench --store postgres://bench:secret@db.internal/chronicle_bench
            """))

    @Option(
        help: ArgumentHelp(
            "Where each workload's fresh store goes: sqlite:PATH, a file, or postgres://…, a database, that must "
                + "not exist (created and removed for each workload). A temporary file by default.",
            valueName: "location"))
    var store: String?

    @Option(help: ArgumentHelp("Commit durability of the stores: full (the default) or normal.", valueName: "durability"))
    var durability: String = "full"

    @Option(
        name: .customLong("workload"), parsing: .upToNextOption,
        help: ArgumentHelp("The workloads to run (all by default).", valueName: "name"))
    var workloads: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Multiplies every count: 0.01 for a quick check, 1 for the figures.", valueName: "factor"))
    var scale: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How many tasks append at once in append-concurrent (1 to 256).", valueName: "count"))
    var writers: Int = 16

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() async throws {
        let selected = try selectedWorkloads()
        let (backend, location, description, temporary) = try await benchStore()
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let durability = durability.lowercased()
        guard backend.durabilities.contains(durability) else {
            let names = backend.durabilities
            let choices = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
            throw CommandError(.badInput, "--durability must be \(choices), got '\(self.durability)'")
        }
        guard scale > 0, scale <= 100 else { throw CommandError(.badInput, "--scale must be above 0 and at most 100, got \(scale)") }
        guard (1...256).contains(writers) else { throw CommandError(.badInput, "--writers must be 1 to 256, got \(writers)") }
        let bench = BenchContext(scale: scale, writers: writers, backend: backend, durability: durability, location: location)
        var settings = BenchSettings(
            store: description, backend: backend, engineVersion: await backend.engineVersion(at: location),
            durability: durability, scale: scale, writers: writers)
        let out = TextOutput.standardOutput
        let err = TextOutput.standardError
        if settings.build == "debug" {
            err.line(err.styled("warning:", .yellow) + " a debug build; measure with 'swift build -c release'")
        }
        if !json {
            out.line(out.styled(settings.text, .dim))
            out.flush()
        }
        // Ctrl-C (or SIGTERM) cancels the workload in flight, whose store is
        // then closed and removed (a PostgreSQL database dropped): nothing is left behind.
        let collected = Mutex<[BenchResult]>([])
        let json = json
        let interrupted = try await Interruption.run {
            var report = BenchReport()
            for workload in selected {
                try Task.checkCancellation()
                let result = try await workload.run(bench)
                collected.withLock { $0.append(result) }
                if !json { report.printRow(result, to: out) }
            }
        }
        if interrupted {
            out.flush()
            throw CommandError(.interrupted, "interrupted: the workload in progress stopped and its store was removed")
        }
        let results = collected.withLock { $0 }
        settings.loadAfter = BenchSettings.loadAverage()
        if json {
            out.line(BenchReport.json(results, settings: settings).serialized())
        } else {
            out.line(out.styled("load average after: " + settings.loadAfter.map { String(format: "%.2f", $0) }.joined(separator: " "), .dim))
        }
    }

    /// The workloads named by `--workload` (commas also separate names), in run order.
    private func selectedWorkloads() throws -> [BenchWorkload] {
        let names = workloads.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if names.isEmpty { return BenchWorkload.standard }
        var chosen = Set<BenchWorkload>()
        for name in names {
            guard let workload = BenchWorkload(rawValue: name) else {
                let known = BenchWorkload.allCases.map(\.rawValue).joined(separator: ", ")
                throw CommandError(.badInput, "unknown workload '\(name)' (known: \(known))")
            }
            chosen.insert(workload)
        }
        return BenchWorkload.allCases.filter(chosen.contains)
    }

    /// The backend, the store location, its description, and the temporary
    /// directory to remove afterwards.
    private func benchStore() async throws -> (any StoreBenchmarking, StoreLocation, String, URL?) {
        let registry = StoreBackendRegistry.current
        guard let store else {
            let candidates = registry.backends.filter(\.opensBarePaths) + registry.backends.filter { !$0.opensBarePaths }
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("chronicle-bench-\(UUID().uuidString)", isDirectory: true)
            for case let backend as any StoreBenchmarking in candidates {
                guard let location = backend.temporaryLocation(in: directory.path) else { continue }
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                return (backend, location, "temporary file in \(FileManager.default.temporaryDirectory.path)", directory)
            }
            throw CommandError(.failure, "this tool registers no store backend that bench can measure without --store")
        }
        let location = try registry.location(parsing: store)
        guard let backend = try registry.backend(for: location) as? any StoreBenchmarking else {
            throw CommandError(.failure, "bench cannot measure \(try registry.backend(for: location).name) stores")
        }
        if try await backend.storeExists(at: location) {
            throw CommandError(
                .badInput,
                "'\(location)' exists: bench creates and removes a fresh store for each workload, so name one that does not exist")
        }
        return (backend, location, location.description, nil)
    }
}
