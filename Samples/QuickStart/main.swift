// chronicle-quickstart: the event log on an embedded SQLite file, end to end.
//
//   swift run chronicle-quickstart [--store PATH] [--orders N]
//
// Places N orders (each a stream `order-<n>`), pays some of them, shows what
// optimistic concurrency does with a stale write, and prints the global log.
import Chronicle
import ChronicleSQLite
import Foundation

struct QuickStartOptions {
    var storePath = "chronicle-quickstart.sqlite"
    var orders = 5

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--store":
                guard let value = iterator.next() else { throw QuickStartError("--store needs a path") }
                storePath = value
            case "--orders":
                guard let value = iterator.next(), let count = Int(value), count > 0 else {
                    throw QuickStartError("--orders needs a positive number")
                }
                orders = count
            case "-h", "--help":
                print("usage: chronicle-quickstart [--store PATH] [--orders N]")
                exit(0)
            default:
                throw QuickStartError("unknown argument '\(argument)' (try --help)")
            }
        }
    }
}

struct QuickStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func json(_ object: [String: any Sendable]) -> Data {
    // Only plain strings and numbers go in here, which always serialise.
    (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
}

func run() async throws {
    let options = try QuickStartOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let store = try await SQLiteEventStore(path: options.storePath)
    let startHead = try await store.headPosition()
    print("Store \(options.storePath): schema \(try await store.schemaVersion()), head at \(startHead)")

    let run = UUID().uuidString.prefix(8)
    for number in 1...options.orders {
        let stream = try StreamName(category: "order", id: "\(run)-\(number)")
        let correlation = EventMetadata(correlationId: "quickstart-\(run)")
        let placed = NewEvent(
            type: "OrderPlaced", data: json(["customer": "customer-\(number % 3)", "total": number * 10]),
            metadata: correlation)
        var result = try await store.append([placed], to: stream, expecting: .noStream)
        if number % 2 == 1 {
            let paid = NewEvent(type: "OrderPaid", data: json(["amount": number * 10]), metadata: correlation)
            result = try await store.append([paid], to: stream, expecting: result.nextExpectedVersion)
        }
        print("  \(stream): version \(result.version)")
    }

    // A stale writer loses: optimistic concurrency names the stream and both versions.
    let first = try StreamName(category: "order", id: "\(run)-1")
    do {
        try await store.append(
            [NewEvent(type: "OrderCancelled", data: json(["reason": "stale"]))], to: first, expecting: .exactly(1))
    } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
        print("  stale write refused: \(error.message)")
    }

    print("\nThe global log since position \(startHead.next):")
    print("  position  stream\(String(repeating: " ", count: 18))version  type")
    for try await event in store.events(from: startHead.next) {
        let stream = event.stream.description.padding(toLength: 24, withPad: " ", startingAt: 0)
        print("  \(String(event.position.rawValue).padding(toLength: 8, withPad: " ", startingAt: 0))  \(stream)\(event.version)        \(event.type)")
    }
    let paid = try await store.readAll(
        from: startHead.next, limit: 1_000, filter: EventFilter(categories: ["order"], eventTypes: ["OrderPaid"]))
    print("\n\(paid.count) of \(options.orders) orders paid; head is now \(try await store.headPosition()).")
    try store.close()
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("chronicle-quickstart: \(error)\n".utf8))
    exit(1)
}
