import ChronicleTesting
import Foundation
import Testing

@testable import Chronicle

/// The log reader a member's partitions share: one read per page and per
/// complete position, without bending the visibility rule.
@Suite("Member log reader")
struct MemberLogReaderTests {
    /// An in-memory store that counts global reads and can hold them until released.
    final class GatedStore: EventStore {
        let base = InMemoryEventStore()
        let pageReads = Locked(0)
        let completeReads = Locked(0)
        let failNextRead = Locked(false)
        private let held = Locked<[CheckedContinuation<Void, Never>]?>(nil)

        /// Reads from now on wait until ``release()``.
        func hold() { held.withLock { $0 = [] } }
        var waitingReads: Int { held.withLock { $0?.count ?? 0 } }
        func release() {
            let waiting = held.withLock { held -> [CheckedContinuation<Void, Never>] in
                defer { held = nil }
                return held ?? []
            }
            for continuation in waiting { continuation.resume() }
        }
        private func gate() async {
            await withCheckedContinuation { continuation in
                let waits = held.withLock { held -> Bool in
                    guard held != nil else { return false }
                    held!.append(continuation)
                    return true
                }
                if !waits { continuation.resume() }
            }
        }

        func readAll(from position: GlobalPosition, limit: Int, filter: EventFilter) async throws -> [EventRecord] {
            pageReads.withLock { $0 += 1 }
            await gate()
            if failNextRead.withLock({ fail in defer { fail = false }; return fail }) {
                throw EventStoreError(code: .storageUnavailable, message: "the disk went away")
            }
            return try await base.readAll(from: position, limit: limit, filter: filter)
        }

        func completePosition() async throws -> GlobalPosition {
            completeReads.withLock { $0 += 1 }
            await gate()
            return try await base.completePosition()
        }

        func append(_ appends: [StreamAppend]) async throws -> [AppendResult] { try await base.append(appends) }
        func readStream(
            _ stream: StreamName, from version: Int64, direction: ReadDirection, limit: Int
        ) async throws -> [EventRecord] {
            try await base.readStream(stream, from: version, direction: direction, limit: limit)
        }
        func streamVersion(_ stream: StreamName) async throws -> Int64 { try await base.streamVersion(stream) }
        func headPosition() async throws -> GlobalPosition { try await base.headPosition() }
        var positionDensity: PositionDensity { base.positionDensity }
    }

    /// The topic lane of partition `partition` of an 8-partition group on `orders`.
    static func lane(_ partition: Int) throws -> PartitionLane {
        let group = try fastGroup("g", partitions: 8, member: "m")
        return try PartitionLane.lanes(of: group, partition: partition, checkpoints: [:])[1]
    }

    /// Ten messages on `orders`, positions 1 to 10.
    static func storeWithMessages() async throws -> GatedStore {
        let store = GatedStore()
        _ = try await publish(10, to: "orders", on: makeBus(store.base))
        #expect(try await store.base.headPosition() == 10)
        return store
    }

    @Test func partitionsAskingForTheSamePageShareOneRead() async throws {
        let store = try await Self.storeWithMessages()
        let reader = MemberLogReader(store: store, limit: 16)
        store.hold()
        let asks = try (0..<8).map { partition in
            let lane = try Self.lane(partition)
            return Task { try await reader.page(of: lane, after: .none, complete: 10) }
        }
        try await withDeadline(seconds: 60, "the first read waits") {
            while store.waitingReads < 1 { try await Task.sleep(for: .milliseconds(1)) }
        }
        store.release()
        var pages: [MemberLogReader.Page] = []
        for ask in asks { pages.append(try await ask.value) }
        #expect(store.pageReads.withLock { $0 } == 1, "one read for eight partitions")
        #expect(pages.allSatisfy { $0.records.map(\.position.rawValue) == Array(1...10) && $0.through == 10 })

        // A later page is a new read.
        _ = try await reader.page(of: try Self.lane(0), after: 10, complete: 10)
        #expect(store.pageReads.withLock { $0 } == 2)
    }

    @Test func aSharedPageStopsAtTheCompletePositionItWasReadUnder() async throws {
        let store = try await Self.storeWithMessages()
        let reader = MemberLogReader(store: store, limit: 16)
        // Read first by a partition that knew positions up to 6 complete.
        let first = try await reader.page(of: try Self.lane(0), after: .none, complete: 6)
        #expect(first.records.map(\.position.rawValue) == Array(1...6))
        #expect(first.through == 6)
        // Another partition that knows 10 complete gets the same page, and reads on from 6.
        let shared = try await reader.page(of: try Self.lane(1), after: .none, complete: 10)
        #expect(shared.records.map(\.position.rawValue) == Array(1...6) && shared.through == 6)
        let rest = try await reader.page(of: try Self.lane(1), after: shared.through, complete: 10)
        #expect(rest.records.map(\.position.rawValue) == Array(7...10) && rest.through == 10)
        #expect(store.pageReads.withLock { $0 } == 2)

        // A full page ends at its last record, whatever the complete position.
        let small = MemberLogReader(store: store, limit: 4)
        let full = try await small.page(of: try Self.lane(0), after: .none, complete: 10)
        #expect(full.records.map(\.position.rawValue) == Array(1...4) && full.through == 4)
    }

    @Test func aFailedReadIsNotKept() async throws {
        let store = try await Self.storeWithMessages()
        let reader = MemberLogReader(store: store, limit: 16)
        store.failNextRead.withLock { $0 = true }
        await #expect(throws: EventStoreError.self) {
            try await reader.page(of: try Self.lane(0), after: .none, complete: 10)
        }
        let page = try await reader.page(of: try Self.lane(0), after: .none, complete: 10)
        #expect(page.records.count == 10)
        #expect(store.pageReads.withLock { $0 } == 2)
    }

    @Test func aCompletePositionIsSharedOnlyWhenReadLateEnough() async throws {
        let store = try await Self.storeWithMessages()
        let reader = MemberLogReader(store: store, limit: 16)
        let before = ContinuousClock.now
        #expect(try await reader.completePosition(readAtOrAfter: before) == 10)
        #expect(try await reader.completePosition(readAtOrAfter: before) == 10)
        #expect(store.completeReads.withLock { $0 } == 1, "the read started after `before`: shared")

        _ = try await publish(1, from: 10, to: "orders", on: makeBus(store.base))
        #expect(try await reader.completePosition(readAtOrAfter: .now) == 11, "an append later: read again")
        #expect(store.completeReads.withLock { $0 } == 2)
    }
}
