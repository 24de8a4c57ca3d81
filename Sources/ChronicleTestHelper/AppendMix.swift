import Chronicle
import Foundation

/// The appends the crash and soak writers make: singles and batches to the
/// task's own stream (expecting its exact version), batches to shared streams
/// (expecting `.any`), and multi-stream appends of both. Every event carries
/// its call's id in the `batch` header and the call's event count in `size`,
/// so a checker can tell a partly stored call from a whole one.
struct AppendMix {
    static let sharedStreams = 3

    let own: StreamName
    var ownVersion: Int64
    var generator = SystemRandomNumberGenerator()

    init(task: Int, ownVersion: Int64) throws {
        own = try StreamName(category: "crash", id: "t\(task)")
        self.ownVersion = ownVersion
    }

    static func ownStream(task: Int) throws -> StreamName {
        try StreamName(category: "crash", id: "t\(task)")
    }

    /// The next call: its id and its parts.
    mutating func next() throws -> (batch: String, parts: [StreamAppend]) {
        let batch = UUID().uuidString.lowercased()
        var parts: [StreamAppend]
        switch Int.random(in: 0..<10, using: &generator) {
        case 0..<4:
            parts = [StreamAppend(stream: own, events: [Self.event()], expecting: .exactly(ownVersion))]
        case 4..<6:
            parts = [StreamAppend(stream: own, events: events(2...8), expecting: .exactly(ownVersion))]
        case 6..<8:
            let shared = try Self.sharedStream(Int.random(in: 0..<Self.sharedStreams, using: &generator))
            parts = [StreamAppend(stream: shared, events: events(2...8), expecting: .any)]
        default:
            parts = [StreamAppend(stream: own, events: events(1...4), expecting: .exactly(ownVersion))]
            let first = Int.random(in: 0..<Self.sharedStreams, using: &generator)
            for offset in 0..<Int.random(in: 1...2, using: &generator) {
                parts.append(
                    StreamAppend(
                        stream: try Self.sharedStream((first + offset) % Self.sharedStreams), events: events(1...4),
                        expecting: .any))
            }
        }
        let size = parts.reduce(0) { $0 + $1.events.count }
        for part in parts.indices {
            for index in parts[part].events.indices {
                parts[part].events[index].metadata = EventMetadata(
                    correlationId: batch, headers: ["batch": batch, "size": String(size)])
            }
        }
        return (batch, parts)
    }

    /// Records the own stream's new version after a successful call.
    mutating func committed(_ results: [AppendResult]) {
        if let result = results.first(where: { $0.stream == own }) { ownVersion = result.version }
    }

    private mutating func events(_ count: ClosedRange<Int>) -> [NewEvent] {
        (0..<Int.random(in: count, using: &generator)).map { _ in Self.event() }
    }

    static func sharedStream(_ index: Int) throws -> StreamName {
        try StreamName(category: "shared", id: String(index))
    }

    static func event() -> NewEvent {
        NewEvent(type: "CrashTick", data: Data("{\"at\":\(Date().timeIntervalSince1970)}".utf8))
    }
}
