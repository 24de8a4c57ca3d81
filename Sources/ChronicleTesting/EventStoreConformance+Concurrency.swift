internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var concurrencyChecks: [ConformanceCheck] {
        [raceForOneVersion, retryingAppendsToOneStream, appendsToOwnStreams, readersBesideWriters]
    }

    static let raceForOneVersion = ConformanceCheck("50 tasks racing for one version: exactly one wins") { store in
        let stream = Fixtures.stream("order-1")
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask { () async throws -> Bool in
                    do {
                        try await store.append(Fixtures.events(2), to: stream, expecting: .exactly(0))
                        return true
                    } catch EventStoreError.wrongExpectedVersion {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        try Expect.equal(outcomes.filter { $0 }.count, 1, "winners of the race for version 0")
        try Expect.equal(try await store.streamVersion(stream), 2, "stream version after the race")
    }

    static let retryingAppendsToOneStream = ConformanceCheck(
        "50 tasks appending to one stream with retries: every event once, no holes"
    ) { store in
        let stream = Fixtures.stream("counter-1")
        let ids = (0..<50).map { _ in UUID() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask { () async throws -> Void in
                    while true {
                        let version = try await store.streamVersion(stream)
                        do {
                            try await store.append(
                                [NewEvent(id: id, type: "Incremented", data: Data("{}".utf8))], to: stream,
                                expecting: .exactly(version))
                            return
                        } catch EventStoreError.wrongExpectedVersion {
                            await Task.yield()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 100)
        try Expect.equal(read.map(\.version), Array(1...50), "versions without holes")
        try Expect.equal(Set(read.map(\.id)), Set(ids), "each task's event exactly once")
    }

    static let appendsToOwnStreams = ConformanceCheck(
        "50 tasks appending to their own streams: all land with unique positions"
    ) { store in
        let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
            for index in 0..<50 {
                group.addTask { () async throws -> AppendResult in
                    try await store.append(Fixtures.events(3), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
                }
            }
            return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
        }
        var positions: [Int64] = []
        for result in results {
            let range = result.positions!
            try Expect.equal(
                range.upperBound.rawValue - range.lowerBound.rawValue, 2, "one append's positions are contiguous")
            positions += Array(range.lowerBound.rawValue...range.upperBound.rawValue)
        }
        let log = try await Fixtures.snapshot(of: store)
        try Expect.equal(positions.sorted(), log.map(\.position.rawValue), "the appends' positions are the log's, once each")
        try Fixtures.expectLogPositions(positions.sorted(), in: store, "positions of 50 concurrent appends")
        try Expect.equal(log.count, 150, "events in the log")
        for index in 0..<50 {
            try Expect.equal(try await store.streamVersion(Fixtures.stream("order-\(index)")), 3, "stream version")
        }
    }

    static let readersBesideWriters = ConformanceCheck(
        "readers running beside writers never see a hole in the log"
    ) { store in
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask { () async throws -> Void in
                    for round in 0..<15 {
                        try await store.append(
                            Fixtures.events(round % 3 + 1), to: Fixtures.stream("order-\(writer)"), expecting: .any)
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask { () async throws -> Void in
                    // The visibility rule: what a reader saw up to the complete
                    // position never changes afterwards.
                    var complete: [EventRecord] = []
                    for _ in 0..<40 {
                        let completePosition = try await store.completePosition()
                        let log = try await Fixtures.snapshot(of: store)
                        try Fixtures.expectLogPositions(
                            log.filter { $0.position <= completePosition }.map(\.position.rawValue), in: store,
                            "a reader's view of the log up to its complete position")
                        try Expect.equal(
                            Array(log.prefix(complete.count)), complete,
                            "the log up to an earlier complete position never changes")
                        complete = log.filter { $0.position <= completePosition }
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = try await Fixtures.snapshot(of: store)
        try Expect.equal(log.count, 8 * 30, "events after all writers")
        try Expect.equal(try await store.headPosition(), log.last?.position, "head after all writers")
        try Expect.equal(try await store.completePosition(), try await store.headPosition(), "complete once writers are done")
    }
}
