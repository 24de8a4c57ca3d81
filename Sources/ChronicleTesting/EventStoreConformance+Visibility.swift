internal import Chronicle

extension EventStoreConformance {
    static var visibilityChecks: [ConformanceCheck] {
        [completePositionFollowsSettledAppends, eventCountCountsEvents]
    }

    static let completePositionFollowsSettledAppends = ConformanceCheck(
        "the complete position is 0 for an empty log and reaches the head once appends have returned"
    ) { store in
        try Expect.equal(try await store.completePosition(), GlobalPosition.none, "complete position of an empty log")
        for index in 0..<4 {
            let result = try await store.append(Fixtures.events(3), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
            let complete = try await store.completePosition()
            try Expect.that(
                complete >= result.positions!.upperBound,
                "an append that returned is below the complete position (\(complete))")
            try Expect.equal(try await store.headPosition(), result.positions!.upperBound, "head after the append")
        }
        let all = try await store.readAll(from: .start, limit: 100)
        try Expect.that(
            all.allSatisfy { $0.position <= all.last!.position }, "every event is at or below the complete position")
    }

    static let eventCountCountsEvents = ConformanceCheck(
        "eventCount(after:through:) counts the events between two positions"
    ) { store in
        for index in 0..<5 {
            try await store.append(Fixtures.events(index + 1), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
        }
        let log = try await Fixtures.snapshot(of: store)
        let head = try await store.headPosition()
        try Expect.equal(try await store.eventCount(after: .none, through: head), 15, "the whole log")
        try Expect.equal(try await store.eventCount(after: log[2].position, through: head), 12, "after the third event")
        try Expect.equal(
            try await store.eventCount(after: log[2].position, through: log[9].position), 7, "a range inside the log")
        try Expect.equal(try await store.eventCount(after: head, through: log[0].position), 0, "an empty range")
    }
}
