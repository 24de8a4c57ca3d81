import Chronicle
import ChronicleSQLite
import Foundation
import Synchronization

/// Appends forever, from several concurrent tasks, until it is killed; reports
/// every acknowledged append on standard output the moment `append` returns.
/// The calls are an ``AppendMix``.
///
/// Output, one line per acknowledged call, written with one `write(2)`:
///
///     ready <head position>
///     ack <batch> <stream> <first version> <first position> <id,id,…> [<stream> … per part]
enum CrashWriterCommand {
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
        var mix = try AppendMix(task: task, ownVersion: try await store.streamVersion(AppendMix.ownStream(task: task)))
        while true {
            let (batch, parts) = try mix.next()
            let results = try await store.append(parts)
            mix.committed(results)
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
