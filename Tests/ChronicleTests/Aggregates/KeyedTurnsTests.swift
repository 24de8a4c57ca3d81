import ChronicleTesting
import Foundation
import Testing

@testable import Chronicle

/// One key's work at a time, in arrival order; other keys alongside.
@Suite("Keyed turns")
struct KeyedTurnsTests {
    /// Records how many bodies of each key run at once, at most.
    final class Overlap: Sendable {
        private let state = Locked((running: [String: Int](), most: [String: Int](), order: [String]()))
        func enter(_ key: String, _ label: String) {
            state.withLock { state in
                state.running[key, default: 0] += 1
                state.most[key] = max(state.most[key] ?? 0, state.running[key]!)
                state.order.append(label)
            }
        }
        func leave(_ key: String) { state.withLock { $0.running[key]! -= 1 } }
        var most: [String: Int] { state.withLock { $0.most } }
        var order: [String] { state.withLock { $0.order } }
    }

    @Test func oneKeyRunsOneBodyAtATimeAndOthersRunAlongside() async throws {
        let turns = KeyedTurns<String>()
        let overlap = Overlap()
        // A body of key "b" that waits inside its turn until key "a" has run:
        // had "a" waited for "b", this would never end.
        let aRan = Locked(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await turns.run("b") {
                    overlap.enter("b", "b")
                    try await withDeadline(seconds: 60, "key a runs while b holds its turn") {
                        while !aRan.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
                    }
                    overlap.leave("b")
                }
            }
            for index in 0..<20 {
                group.addTask {
                    try await turns.run("a") {
                        overlap.enter("a", "a\(index)")
                        await Task.yield()
                        try await Task.sleep(for: .microseconds(100))
                        overlap.leave("a")
                        aRan.withLock { $0 = true }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(overlap.most["a"] == 1, "bodies of one key never overlap")
        #expect(overlap.order.filter { $0.hasPrefix("a") }.count == 20)
        #expect(turns.busyKeys == 0, "every turn was handed back")
    }

    @Test func waitingBodiesRunInArrivalOrder() async throws {
        let turns = KeyedTurns<String>()
        let order = Locked([Int]())
        let release = Locked(false)
        // The first body holds the turn until the others are queued behind it.
        let first = Task {
            try await turns.run("k") {
                try await withDeadline(seconds: 60, "the first body is released") {
                    while !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
                }
                order.withLock { $0.append(0) }
            }
        }
        var queued: [Task<Void, any Error>] = []
        for index in 1...5 {
            // Each waits for its turn before the next is started, so arrival order is known.
            queued.append(Task { try await turns.run("k") { order.withLock { $0.append(index) } } })
            try await Task.sleep(for: .milliseconds(5))
        }
        release.withLock { $0 = true }
        try await first.value
        for task in queued { try await task.value }
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4, 5])
    }

    @Test func aBodyThatThrowsHandsTheTurnOn() async throws {
        struct Refused: Error {}
        let turns = KeyedTurns<String>()
        await #expect(throws: Refused.self) { try await turns.run("k") { throw Refused() } }
        let value = try await turns.run("k") { 42 }
        #expect(value == 42)
        #expect(turns.busyKeys == 0)
    }
}
