// A helper the SQLite tests start as separate OS processes, so that behaviour
// between processes (several writers on one file, crashes) is tested for real.
//
//   ChronicleTestHelper append --store PATH --writer NAME --count N
//     Appends N single-event appends: alternately to the shared stream
//     `shared-log` (expecting .any) and to the writer's own stream
//     `writer-NAME` (expecting its exact version). Prints one line per
//     acknowledged append: "ack <stream> <version> <position> <event-id>".
import Chronicle
import ChronicleSQLite
import Foundation

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ChronicleTestHelper: \(message)\n".utf8))
    exit(2)
}

func runAppend() async throws {
    guard let path = argument("--store"), let writer = argument("--writer"),
        let count = argument("--count").flatMap(Int.init)
    else { fail("usage: append --store PATH --writer NAME --count N") }
    let store = try await SQLiteEventStore(path: path)
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
        print("ack \(result.stream) \(result.version) \(result.positions!.lowerBound) \(event.id)")
    }
    try store.close()
}

do {
    switch CommandLine.arguments.dropFirst().first {
    case "append": try await runAppend()
    default: fail("unknown command; expected 'append'")
    }
} catch {
    fail("\(error)")
}
