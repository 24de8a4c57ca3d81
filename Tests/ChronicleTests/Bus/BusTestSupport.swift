import Chronicle
import ChronicleTesting
import Foundation
import Testing

/// A message whose payload is its number.
func busMessage(_ number: Int, headers: [String: String] = [:]) -> NewEvent {
    NewEvent(type: "Numbered", data: Data("\(number)".utf8), metadata: EventMetadata(headers: headers))
}

/// The number in a message's payload.
func number(of message: ReceivedMessage) -> Int {
    Int(String(decoding: message.data, as: UTF8.self)) ?? -1
}

/// A group with settings that keep tests fast: short back-offs, no breaker. Its lease
/// is long (a loaded machine can starve a task for seconds, and a lease lost to that
/// is a hand-over the test did not ask for); tests of expiry pass a short one.
func fastGroup(
    _ name: String, topics: [Topic] = ["orders"], partitions: Int = 4, member: String, lease: Duration = .seconds(30)
) throws -> ConsumerGroup {
    var group = try ConsumerGroup(name, topics: topics, partitions: partitions, member: member)
    group.leaseDuration = lease
    group.failurePolicy = FailurePolicy(maxAttempts: 5, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5))
    group.circuitBreaker = nil
    group.batchSize = 16
    group.runsScheduler = false
    return group
}

/// What a handler received, in order.
final class MessageLog: Sendable {
    private let received = Locked<[ReceivedMessage]>([])

    func add(_ message: ReceivedMessage) { received.withLock { $0.append(message) } }

    var all: [ReceivedMessage] { received.withLock { $0 } }
    var numbers: [Int] { all.map(number(of:)) }

    /// Waits until `condition` holds for what was received; fails after `seconds`.
    func wait(
        _ what: String, within seconds: Double = 60, until condition: @escaping @Sendable ([ReceivedMessage]) -> Bool
    ) async throws {
        try await waitUntil(what, within: seconds) { condition(self.all) }
    }
}

/// Polls `condition` every few milliseconds until it holds; fails after `seconds`.
func waitUntil(
    _ what: String, within seconds: Double = 60, _ condition: @escaping @Sendable () async throws -> Bool
) async throws {
    try await withDeadline(seconds: seconds, what) {
        while try await !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Publishes `count` messages numbered from `first`, spread over `keys` streams of `topic`.
@discardableResult
func publish(
    _ count: Int, from first: Int = 0, keys: Int = 10, to topic: Topic = "orders", on bus: EventBus
) async throws -> [PublishReceipt] {
    let messages = (first..<(first + count)).map { OutgoingMessage(busMessage($0), to: topic, key: "k\($0 % keys)") }
    return try await bus.publish(messages)
}

/// Checks that each stream's messages arrived in publishing order (numbers increase per stream).
func expectStreamOrder(_ messages: [ReceivedMessage], sourceLocation: SourceLocation = #_sourceLocation) {
    var last: [StreamName: Int] = [:]
    for message in messages {
        let value = number(of: message)
        if let previous = last[message.stream] {
            #expect(value > previous, "\(message.stream): \(value) after \(previous)", sourceLocation: sourceLocation)
        }
        last[message.stream] = value
    }
}

/// Runs `consume` in a task; `stop()` cancels it and returns what it threw.
struct RunningMember: Sendable {
    let task: Task<Void, any Error>

    init(_ bus: EventBus, _ group: ConsumerGroup, handler: @escaping @Sendable (ReceivedMessage) async throws -> Void) {
        task = Task { try await bus.consume(group, handler: handler) }
    }

    func stop() async throws {
        task.cancel()
        try await task.value
    }
}

struct HandlerFailure: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
