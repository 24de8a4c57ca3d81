internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var catalogChecks: [ConformanceCheck] {
        [
            catalogListsStreamsInByteOrder, catalogFiltersAndPages, catalogRejectsBadArguments,
            catalogCountsEventsAndStreams,
        ]
    }

    /// The store as a ``StreamCatalog``; every store of the contract is one.
    static func catalog(_ store: any EventStore, file: String = #fileID, line: Int = #line) throws -> any StreamCatalog {
        guard let catalog = store as? any StreamCatalog else {
            throw ConformanceFailure(
                message: "\(type(of: store)) does not conform to StreamCatalog, which the contract requires",
                file: file, line: line)
        }
        return catalog
    }

    static let catalogListsStreamsInByteOrder = ConformanceCheck(
        "the catalog lists non-empty streams in byte order with version and last update"
    ) { store in
        let catalog = try catalog(store)
        try Expect.that(try await catalog.streams(category: nil, after: nil, limit: 10).isEmpty, "an empty store")
        // "Zeta" sorts before "alpha" in byte order; "order-10" before "order-9".
        for name in ["order-9", "order-10", "Zeta-1", "alpha-1", "order-é"] {
            try await store.append(Fixtures.events(2), to: Fixtures.stream(name), expecting: .noStream)
        }
        try await store.append(Fixtures.events(1), to: Fixtures.stream("order-9"), expecting: .exactly(2))
        try await store.append([], to: Fixtures.stream("empty-1"), expecting: .noStream)
        let listed = try await catalog.streams(category: nil, after: nil, limit: 100)
        try Expect.equal(
            listed.map(\.stream.description), ["Zeta-1", "alpha-1", "order-10", "order-9", "order-é"],
            "streams in byte order, without the empty one")
        try Expect.equal(listed.map(\.version), [2, 2, 2, 3, 2], "versions")
        for info in listed {
            let last = try await store.readStream(info.stream, from: .max, direction: .backward, limit: 1)
            try Expect.equal(info.updatedAt, last.first?.recordedAt, "updatedAt of \(info.stream)")
        }
    }

    static let catalogFiltersAndPages = ConformanceCheck(
        "the catalog filters by category and pages with a cursor, each stream once"
    ) { store in
        let catalog = try catalog(store)
        for index in 0..<23 {
            try await store.append(Fixtures.events(1), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
            try await store.append(Fixtures.events(1), to: Fixtures.stream("stock-\(index)"), expecting: .noStream)
        }
        try await store.append(Fixtures.events(1), to: Fixtures.stream("orderline-1"), expecting: .noStream)
        var seen: [String] = []
        var after: StreamName?
        while true {
            let page = try await catalog.streams(category: "order", after: after, limit: 5)
            try Expect.that(page.count <= 5, "a page holds at most the limit")
            guard let last = page.last else { break }
            seen += page.map(\.stream.description)
            after = last.stream
        }
        let expected = (0..<23).map { "order-\($0)" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try Expect.equal(seen, expected, "every order stream once, in order, and no orderline stream")
        let afterAll = try await catalog.streams(category: nil, after: Fixtures.stream("stock-9"), limit: 10)
        try Expect.that(afterAll.isEmpty, "nothing after the last stream")
        let fromMiddle = try await catalog.streams(category: nil, after: Fixtures.stream("order-5"), limit: 3)
        try Expect.equal(
            fromMiddle.map(\.stream.description), ["order-6", "order-7", "order-8"],
            "the cursor need not be a stored stream's exact page end")
        let none = try await catalog.streams(category: "payment", after: nil, limit: 10)
        try Expect.that(none.isEmpty, "an unknown category lists nothing")
    }

    static let catalogRejectsBadArguments = ConformanceCheck(
        "the catalog rejects limits below 1 and invalid categories"
    ) { store in
        let catalog = try catalog(store)
        try await store.append(Fixtures.events(1), to: Fixtures.stream("order-1"), expecting: .noStream)
        try await Expect.error(.invalidArgument, "limit 0") {
            try await catalog.streams(category: nil, after: nil, limit: 0)
        }
        try await Expect.error(.invalidStreamName, "a category with '-'") {
            try await catalog.streams(category: "order-1", after: nil, limit: 10)
        }
        try await Expect.error(.invalidStreamName, "an empty category") {
            try await catalog.streams(category: "", after: nil, limit: 10)
        }
    }

    static let catalogCountsEventsAndStreams = ConformanceCheck(
        "statistics count events and streams and report the head"
    ) { store in
        let catalog = try catalog(store)
        let empty = try await catalog.statistics()
        try Expect.equal(
            empty, StoreStatistics(eventCount: 0, streamCount: 0, headPosition: .none, headRecordedAt: nil),
            "statistics of an empty store")
        try await store.append(Fixtures.events(3), to: Fixtures.stream("order-1"), expecting: .noStream)
        try await store.append(Fixtures.events(2), to: Fixtures.stream("order-2"), expecting: .noStream)
        try await store.append([], to: Fixtures.stream("order-3"), expecting: .noStream)
        let results = try await store.append([
            StreamAppend(stream: Fixtures.stream("stock-1"), events: Fixtures.events(1), expecting: .noStream),
            StreamAppend(stream: Fixtures.stream("order-1"), events: Fixtures.events(1), expecting: .exactly(3)),
        ])
        let statistics = try await catalog.statistics()
        try Expect.equal(statistics.eventCount, 7, "event count")
        try Expect.equal(statistics.streamCount, 3, "stream count (the empty stream is not one)")
        try Expect.equal(statistics.headPosition, results[1].positions?.upperBound, "head position")
        let head = try await store.readAll(from: statistics.headPosition, limit: 1)
        try Expect.equal(statistics.headRecordedAt, head.first?.recordedAt, "recorded-at time of the head")
    }
}
