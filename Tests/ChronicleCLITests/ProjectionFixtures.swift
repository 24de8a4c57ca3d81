import Chronicle
import ChronicleSQLite
import Foundation
import GRDB
import ProcessTestSupport
import Testing

/// Logs, projections and read-model dumps for the tests of the projection,
/// checkpoint and dead-letter commands.
enum ProjectionFixtures {
    /// Appends `count` events: mostly `Placed`/`Paid` on 40 order streams, a
    /// `Refunded` every `refundEvery` events, and a `Received` on a stock
    /// stream every 10 (which `order-totals` does not handle).
    static func seed(at path: String, events count: Int, refundEvery: Int = 0) async throws {
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        defer { try? store.close() }
        try await append(count, to: store, refundEvery: refundEvery)
    }

    static func append(_ count: Int, to store: SQLiteEventStore, refundEvery: Int = 0) async throws {
        let head = try await store.headPosition().rawValue
        var index = 0
        while index < count {
            let appends = (index..<min(count, index + 500)).map { offset in
                let n = Int(head) + offset + 1
                let type: String
                let stream: StreamName
                if refundEvery > 0 && n % refundEvery == 0 {
                    (type, stream) = ("Refunded", try! StreamName(category: "order", id: String(n % 40)))
                } else if n % 10 == 0 {
                    (type, stream) = ("Received", try! StreamName(category: "stock", id: String(n % 3)))
                } else {
                    (type, stream) = (n % 2 == 0 ? "Paid" : "Placed", try! StreamName(category: "order", id: String(n % 40)))
                }
                return StreamAppend(
                    stream: stream, events: [NewEvent(type: type, data: Data(#"{"amount":\#(n % 97)}"#.utf8))],
                    expecting: .any)
            }
            _ = try await store.append(appends)
            index += appends.count
        }
    }

    /// The rows of the test app's two read models: `order_totals` in the store's
    /// file and `payments` in `PATH.payments`.
    static func readModels(_ path: String) async throws -> (orders: [String], payments: [String]) {
        func rows(_ file: String, _ table: String) async throws -> [String] {
            guard FileManager.default.fileExists(atPath: file) else { return [] }
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: file, configuration: configuration)
            defer { try? queue.close() }
            return try await queue.read { db in
                guard try db.tableExists(table) else { return [] }
                return try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map(\.description)
            }
        }
        return (
            try await rows(path, "order_totals"),
            try await rows(path + ".payments", "payments")
        )
    }

    /// The number of events of the log that `order-totals` handles, up to `position`.
    static func orderEvents(_ path: String, through position: Int64) async throws -> Int {
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        var count = 0
        for try await event in store.events(from: .start, filter: EventFilter(categories: ["order"]))
        where event.position.rawValue <= position {
            count += 1
        }
        return count
    }

    /// Runs the test app to completion.
    static func app(
        _ arguments: [String], store path: String, failing: String? = nil, standardInput: Data? = nil
    ) async throws -> ChronicleProcess.Output {
        try await ChronicleProcess.run(
            arguments + ["--store", path], standardInput: standardInput,
            environment: failing.map { ["TEST_APP_FAIL_TYPES": $0] } ?? [:], executable: "ChronicleCLITestApp")
    }

    /// The JSON objects of a JSON Lines output.
    static func objects(_ output: ChronicleProcess.Output) throws -> [[String: Any]] {
        try output.outputLines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

/// A projection run in the test process, writing its checkpoint and dead
/// letters to the store file the `chronicle` executable then inspects.
struct ProbeProjection: SQLiteProjection {
    let name: String
    var failingTypes: Set<String> = []
    var onExhausted: FailurePolicy.Exhausted = .skip
    var filter: EventFilter = .all

    var failurePolicy: FailurePolicy {
        FailurePolicy(maxAttempts: 1, initialDelay: .milliseconds(1), onExhausted: onExhausted)
    }

    struct Failure: Error, CustomStringConvertible {
        let position: GlobalPosition
        var description: String { "probe failed at \(position)" }
    }

    func prepare(_ db: Database) throws {}
    func apply(_ event: EventRecord, in db: Database) throws {
        if failingTypes.contains(event.type) { throw Failure(position: event.position) }
    }
    func reset(_ db: Database) throws {}

    /// Runs the projection up to the head of the store at `path`; a stopping
    /// projection's stop is not an error here.
    func run(on path: String) async throws {
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        defer { try? store.close() }
        do {
            try await ProjectionRunner(store: store, projections: [store.exactlyOnce(self)]).catchUp()
        } catch ProjectionError.stopped {
        }
    }
}
