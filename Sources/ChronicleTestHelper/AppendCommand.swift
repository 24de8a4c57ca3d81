import Chronicle
import ChroniclePostgres
import ChronicleSQLite
import Foundation

enum AppendCommand {
    static func run() async throws {
        let location = requiredArgument("--store")
        let writer = requiredArgument("--writer")
        guard let count = argument("--count").flatMap(Int.init) else { fail("--count needs a number") }
        if location.hasPrefix("postgres://") {
            let store = try await PostgresEventStore(url: location)
            try await append(count, as: writer, to: store)
            store.close()
        } else {
            let store = try await SQLiteEventStore(path: location)
            try await append(count, as: writer, to: store)
            try store.close()
        }
    }

    static func append(_ count: Int, as writer: String, to store: some EventStore) async throws {
        let own = try StreamName(category: "writer", id: writer)
        let shared = try StreamName("shared-log")
        var ownVersion: Int64 = 0
        for index in 0..<count {
            let event = NewEvent(type: "Written", data: Data("{\"writer\":\"\(writer)\",\"n\":\(index)}".utf8))
            let result: AppendResult
            if index % 2 == 0 {
                result = try await store.append([event], to: shared, expecting: .any)
            } else {
                result = try await store.append([event], to: own, expecting: .exactly(ownVersion))
                ownVersion = result.version
            }
            emit("ack \(result.stream) \(result.version) \(result.positions!.lowerBound) \(event.id)")
        }
    }
}

enum SeedCommand {
    static func run() async throws {
        let path = requiredArgument("--store")
        guard let count = argument("--events").flatMap(Int.init) else { fail("--events needs a number") }
        let streams = argument("--streams").flatMap(Int.init) ?? 50
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        var written = 0
        while written < count {
            let size = min(100, count - written)
            let stream = try StreamName(category: "kill", id: "\(written / 100 % streams)")
            let events = (0..<size).map { NewEvent(type: "Tick", data: Data("{\"n\":\(written + $0)}".utf8)) }
            try await store.append(events, to: stream, expecting: .any)
            written += size
        }
        try store.close()
    }
}
