import Chronicle
import Foundation
import GRDB
import ProcessTestSupport
import Testing

@testable import ChronicleSQLite

/// Stores and checks the CLI tests share.
enum Fixtures {
    /// A store file with `count` events spread over streams of three categories
    /// (`order-0…`, `stock-0…`, `payment-0…`), with metadata on every other event.
    @discardableResult
    static func makeStore(at path: String, events count: Int) async throws -> [EventRecord] {
        let store = try await SQLiteEventStore(path: path, options: .init(durability: .normal))
        let categories = ["order", "stock", "payment"]
        var index = 0
        while index < count {
            let batch = (index..<min(count, index + 50)).map { n in
                StreamAppend(
                    stream: try! StreamName(category: categories[n % 3], id: String(n % 7)),
                    events: [
                        NewEvent(
                            type: n % 2 == 0 ? "Placed" : "Paid", schemaVersion: 1 + n % 2,
                            data: Data(#"{"n":\#(n),"note":"é \"q\" \\ /"}"#.utf8),
                            metadata: n % 2 == 0 ? EventMetadata(correlationId: "c-\(n)", headers: ["tenant": "acme"]) : .empty)
                    ],
                    expecting: .any)
            }
            _ = try await store.append(batch)
            index += batch.count
        }
        let all = try await readAll(store)
        try store.close()  // leaves the file alone holding the store (no -wal)
        return all
    }

    static func readAll(_ store: some EventStore) async throws -> [EventRecord] {
        var all: [EventRecord] = []
        for try await record in store.events(from: .start) { all.append(record) }
        return all
    }

    static func readAll(path: String) async throws -> [EventRecord] {
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        return try await readAll(store)
    }

    /// Checks the shape of a failure: the status, one line on standard error
    /// that contains `fragment`, nothing on standard output, no crash report.
    static func expectFailure(
        _ output: ChronicleProcess.Output, status: Int32, containing fragment: String, tool: String = "chronicle",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.status == status, "\(output)", sourceLocation: sourceLocation)
        #expect(output.errorLines.count == 1, "expected one line on stderr: \(output)", sourceLocation: sourceLocation)
        #expect(
            output.standardError.contains(fragment), "stderr lacks '\(fragment)': \(output)",
            sourceLocation: sourceLocation)
        #expect(output.standardError.hasPrefix("\(tool): error: "), "\(output)", sourceLocation: sourceLocation)
        for crashSign in ["Fatal error", "Stack dump", "backtrace", "Segmentation", "0x0000"] {
            #expect(!output.standardError.contains(crashSign), "\(output)", sourceLocation: sourceLocation)
        }
    }
}
