import Chronicle
import ChronicleSQLite
import Foundation
import Synchronization

/// Appends forever, from several concurrent tasks, until it is killed; reports
/// every acknowledged append on standard output the moment `append` returns.
///
/// Each call is one of: a single event to the task's own stream (expecting its
/// exact version), a batch of 2–8 events to the own stream or to a shared
/// stream (expecting `.any`), or a multi-stream append of the own stream plus
/// one or two shared streams. Every event of a call carries the call's id in
/// the `batch` header and the call's event count in `size`, so a checker can
/// tell a partially stored call from a whole one.
///
/// Output, one line per acknowledged call, written with one `write(2)`:
///
///     ready <head position>
///     ack <batch> <stream> <first version> <first position> <id,id,…> [<stream> … per part]
enum CrashWriterCommand {
    static let sharedStreams = 3

    static func run() async throws {
        let path = requiredArgument("--store")
        let durability = argument("--durability").flatMap(SQLiteDurability.init(rawValue:)) ?? .full
        let tasks = argument("--tasks").flatMap(Int.init) ?? 4
        let store = try await SQLiteEventStore(path: path, options: .init(durability: durability))
        let output = AckOutput()
        output.line("ready \(try await store.headPosition().rawValue)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    try await writeForever(store: store, task: task, output: output)
                }
            }
            try await group.waitForAll()
        }
    }

    static func writeForever(store: SQLiteEventStore, task: Int, output: AckOutput) async throws {
        let own = try StreamName(category: "crash", id: "t\(task)")
        var ownVersion = try await store.streamVersion(own)
        var generator = SystemRandomNumberGenerator()
        while true {
            let batch = UUID().uuidString.lowercased()
            var parts: [StreamAppend] = []
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<4:
                parts = [StreamAppend(stream: own, events: [], expecting: .exactly(ownVersion))]
                parts[0].events = [event()]
            case 4..<6:
                parts = [StreamAppend(stream: own, events: [], expecting: .exactly(ownVersion))]
                parts[0].events = (0..<Int.random(in: 2...8, using: &generator)).map { _ in event() }
            case 6..<8:
                let shared = try sharedStream(Int.random(in: 0..<sharedStreams, using: &generator))
                parts = [StreamAppend(stream: shared, events: [], expecting: .any)]
                parts[0].events = (0..<Int.random(in: 2...8, using: &generator)).map { _ in event() }
            default:
                parts = [StreamAppend(stream: own, events: [], expecting: .exactly(ownVersion))]
                let first = Int.random(in: 0..<sharedStreams, using: &generator)
                let others = Int.random(in: 1...2, using: &generator)
                for offset in 0..<others {
                    parts.append(
                        StreamAppend(
                            stream: try sharedStream((first + offset) % sharedStreams), events: [], expecting: .any))
                }
                for index in parts.indices {
                    parts[index].events = (0..<Int.random(in: 1...4, using: &generator)).map { _ in event() }
                }
            }
            // Every event names its call and the call's size.
            let size = parts.reduce(0) { $0 + $1.events.count }
            for part in parts.indices {
                for index in parts[part].events.indices {
                    parts[part].events[index].metadata = EventMetadata(
                        correlationId: batch, headers: ["batch": batch, "size": String(size)])
                }
            }
            let results = try await store.append(parts)
            if let ownResult = results.first(where: { $0.stream == own }) { ownVersion = ownResult.version }
            var line = "ack \(batch)"
            for (part, result) in zip(parts, results) {
                guard let versions = result.versions, let positions = result.positions else {
                    fail("an append of events returned no versions")
                }
                let ids = part.events.map { $0.id.uuidString.lowercased() }.joined(separator: ",")
                line += " \(part.stream) \(versions.lowerBound) \(positions.lowerBound.rawValue) \(ids)"
            }
            output.line(line)
        }
    }

    static func sharedStream(_ index: Int) throws -> StreamName {
        try StreamName(category: "shared", id: String(index))
    }

    static func event() -> NewEvent {
        NewEvent(type: "CrashTick", data: Data("{\"at\":\(Date().timeIntervalSince1970)}".utf8))
    }
}

/// Writes whole lines to standard output, one `write(2)` each, one at a time:
/// a line is in the pipe before the next append starts, and lines from
/// concurrent tasks never interleave.
final class AckOutput: Sendable {
    private let lock = Mutex(())

    func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    exit(3)
                }
                offset += written
            }
        }
    }
}
