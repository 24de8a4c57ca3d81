import Chronicle
@testable import ChronicleCLI
import ChronicleTesting
import Foundation
import Synchronization
import Testing

/// `tail` reads the log through a subscription, so it keeps the visibility
/// rule: on a store whose writers commit out of order it never prints past an
/// append still in flight, and never skips it once it commits.
@Suite("tail and the visibility rule", .timeLimit(.minutes(1)))
struct TailVisibilityTests {
    @Test func tailNeverSkipsAnEventThatCommitsLate() async throws {
        let store = OutOfOrderEventStore()
        // A takes position 1 and holds; B takes 2 and commits: the log is complete to 0.
        let a = try await store.begin([
            StreamAppend(stream: try StreamName("order-a"), events: [NewEvent(type: "A", data: Data("{}".utf8))], expecting: .noStream)
        ])
        try await store.append([NewEvent(type: "B", data: Data("{}".utf8))], to: try StreamName("order-b"), expecting: .noStream)
        #expect(try await store.headPosition() == 2)

        let printed = Mutex<[Int64]>([])
        let collect: @Sendable ([EventRecord]) -> Void = { events in
            printed.withLock { $0 += events.map(\.position.rawValue) }
        }
        // Without --follow, nothing past the complete position: the tail had printed
        // position 2 and gone on after it, so A's event would never have shown.
        try await TailCommand.tail(store, from: .start, filter: .all, follow: false, limit: nil, deliver: collect)
        #expect(printed.withLock { $0 }.isEmpty)

        // Following: A commits, and both print in position order.
        let follower = Task {
            try await TailCommand.tail(store, from: .start, filter: .all, follow: true, limit: 2, deliver: collect)
        }
        try await store.commit(a)
        try await withDeadline(seconds: 30, "the follower prints both events") { try await follower.value }
        #expect(printed.withLock { $0 } == [1, 2])
    }
}
