import Chronicle
import ChronicleSQLite
import Foundation
import GRDB

/// The log's invariants, read through the store: positions 1…N without holes,
/// each stream's versions 1…n matching its recorded version, unique ids, and
/// every `AppendMix` call whole and contiguous.
enum LogInvariants {
    struct Report {
        var problems: [String] = []
        var streamVersions: [String: Int64] = [:]
        var streams: Int { streamVersions.count }
        var batches = 0
    }

    static func check(_ store: SQLiteEventStore) async throws -> Report {
        var report = Report()
        var expected: Int64 = 1
        var ids = Set<UUID>()
        var batches: [String: (size: Int, count: Int, first: Int64, last: Int64)] = [:]
        func problem(_ text: String) { if report.problems.count < 20 { report.problems.append(text) } }
        for try await event in store.events(from: .start, pageSize: 4_096) {
            let position = event.position.rawValue
            if position != expected { problem("position \(position) where \(expected) was due") }
            expected = position + 1
            let stream = event.stream.description
            let version = (report.streamVersions[stream] ?? 0) + 1
            if event.version != version { problem("\(stream) has version \(event.version) where \(version) was due") }
            report.streamVersions[stream] = event.version
            if !ids.insert(event.id).inserted { problem("event \(event.id) is stored twice") }
            if let batch = event.metadata.headers["batch"], let size = event.metadata.headers["size"].flatMap(Int.init) {
                var entry = batches[batch] ?? (size, 0, position, position)
                entry.count += 1
                entry.last = position
                batches[batch] = entry
            }
        }
        for (stream, version) in report.streamVersions {
            let recorded = try await store.streamVersion(StreamName(stream))
            if recorded != version { problem("\(stream) records version \(recorded) but holds \(version) events") }
        }
        for (batch, entry) in batches {
            if entry.count != entry.size { problem("append \(batch) is partly stored: \(entry.count) of \(entry.size)") }
            if entry.last - entry.first + 1 != Int64(entry.count) { problem("append \(batch) is not contiguous") }
        }
        report.batches = batches.count
        return report
    }
}

/// Reads `KillTestProjection`'s tables.
struct DatabaseQueueReader {
    let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    func counts() throws -> (streams: [String: Int64], total: Int64, positionSum: Int64) {
        defer { try? queue.close() }
        return try queue.read { db in
            var streams: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, n FROM kill_streams") {
                streams[row[0]] = row[1]
            }
            let totals = try Row.fetchOne(db, sql: "SELECT n, position_sum FROM kill_totals")
            return (streams, totals?[0] ?? 0, totals?[1] ?? 0)
        }
    }
}

/// Copies the store's new events into a mirror store with the `chronicle`
/// tool: `events export --from` the mirror's head, then `events import
/// --append` (the events land after the mirror's head, which is where they
/// were in the store).
enum MirrorCycle {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(chronicle: String, store: String, mirror: String) async throws {
        if !FileManager.default.fileExists(atPath: mirror) {
            try await tool(chronicle, ["init", "--store", "sqlite:\(mirror)"])
        }
        let mirrorStore = try await SQLiteEventStore(path: mirror)
        let head = try await mirrorStore.headPosition().rawValue
        try mirrorStore.close()
        let chunk = mirror + ".chunk.jsonl"
        defer { try? FileManager.default.removeItem(atPath: chunk) }
        try await tool(chronicle, ["events", "export", "--store", "sqlite:\(store)", "--from", "\(head + 1)", "-o", chunk, "-q"])
        try await tool(chronicle, ["events", "import", chunk, "--append", "--store", "sqlite:\(mirror)"])
    }

    static func tool(_ chronicle: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chronicle)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        guard status == 0 else { throw Failure(description: "chronicle \(arguments.joined(separator: " ")) exited with \(status)") }
    }

    /// The mirror holds the store's log, event for event.
    static func compare(store: SQLiteEventStore, mirror: String) async throws -> [String] {
        let copy = try await SQLiteEventStore(path: mirror)
        defer { try? copy.close() }
        var position = GlobalPosition.start
        while true {
            let original = try await store.readAll(from: position, limit: 4_096)
            let mirrored = try await copy.readAll(from: position, limit: 4_096)
            if original != mirrored {
                return ["the mirror differs from the store in the page from position \(position)"]
            }
            guard let last = original.last else { return [] }
            position = last.position.next
        }
    }
}
