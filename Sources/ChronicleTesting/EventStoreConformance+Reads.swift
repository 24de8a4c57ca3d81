internal import Chronicle

extension EventStoreConformance {
    static var readChecks: [ConformanceCheck] {
        [
            ConformanceCheck("a stream reads forward from a version with a limit") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(10), to: stream, expecting: .noStream)
                let all = try await store.readStream(stream, from: 1, direction: .forward, limit: 100)
                try Expect.equal(all.map(\.version), Array(1...10), "whole stream")
                let middle = try await store.readStream(stream, from: 4, direction: .forward, limit: 3)
                try Expect.equal(middle.map(\.version), [4, 5, 6], "three events from version 4")
                let past = try await store.readStream(stream, from: 11, direction: .forward, limit: 3)
                try Expect.that(past.isEmpty, "nothing after the last version")
                let fromZero = try await store.readStream(stream, from: 0, direction: .forward, limit: 2)
                try Expect.equal(fromZero.map(\.version), [1, 2], "from version 0 starts at the first event")
            },
            ConformanceCheck("a stream reads backward from the end or from a version") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(10), to: stream, expecting: .noStream)
                let last = try await store.readStream(stream, from: .max, direction: .backward, limit: 3)
                try Expect.equal(last.map(\.version), [10, 9, 8], "three last events")
                let middle = try await store.readStream(stream, from: 5, direction: .backward, limit: 10)
                try Expect.equal(middle.map(\.version), [5, 4, 3, 2, 1], "back from version 5")
                let none = try await store.readStream(stream, from: 0, direction: .backward, limit: 10)
                try Expect.that(none.isEmpty, "nothing below version 1")
            },
            ConformanceCheck("a stream's reads hold only its own events") { store in
                let a = Fixtures.stream("order-1")
                let b = Fixtures.stream("order-10")
                for _ in 0..<3 {
                    try await store.append(Fixtures.events(1, type: "A"), to: a, expecting: .any)
                    try await store.append(Fixtures.events(1, type: "B"), to: b, expecting: .any)
                }
                let read = try await store.readStream(a, from: 1, direction: .forward, limit: 10)
                try Expect.equal(read.map(\.type), ["A", "A", "A"], "types of stream order-1")
                try Expect.equal(
                    try await Fixtures.ordinals(of: read, in: store), [1, 3, 5], "places of stream order-1 in the log")
            },
            ConformanceCheck("the global log pages forward from a position") { store in
                for index in 0..<7 {
                    try await store.append(Fixtures.events(3), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
                }
                var positions: [Int64] = []
                var next = GlobalPosition.start
                while true {
                    let page = try await store.readAll(from: next, limit: 4)
                    try Expect.that(page.count <= 4, "a page holds at most the limit")
                    guard let last = page.last else { break }
                    positions += page.map(\.position.rawValue)
                    next = last.position.next
                }
                let log = try await Fixtures.snapshot(of: store)
                try Expect.equal(positions, log.map(\.position.rawValue), "every position once, in order")
                try Expect.equal(log.count, 21, "events in the log")
                let twentieth = log[19].position
                let tail = try await store.readAll(from: twentieth, limit: 100)
                try Expect.equal(tail.map(\.position), [log[19].position, log[20].position], "reading from a position includes it")
                try Expect.that(try await store.readAll(from: log[20].position.next, limit: 10).isEmpty, "nothing past the head")
                try Expect.equal(try await store.readAll(from: .none, limit: 1).first?.position, log[0].position, "from 0 starts at the first event")
            },
            ConformanceCheck("global log filters: categories, streams and event types") { store in
                try await store.append([Fixtures.event("Placed"), Fixtures.event("Paid")], to: Fixtures.stream("order-1"), expecting: .any)
                try await store.append([Fixtures.event("Charged")], to: Fixtures.stream("payment-1"), expecting: .any)
                try await store.append([Fixtures.event("Placed")], to: Fixtures.stream("order-2"), expecting: .any)
                try await store.append([Fixtures.event("Reserved")], to: Fixtures.stream("stock-1"), expecting: .any)
                try await store.append([Fixtures.event("Paid")], to: Fixtures.stream("order-1"), expecting: .any)
                func positions(_ filter: EventFilter) async throws -> [Int64] {
                    try await Fixtures.ordinals(of: store.readAll(from: .start, limit: 100, filter: filter), in: store)
                }
                try Expect.equal(try await positions(EventFilter(categories: ["order"])), [1, 2, 4, 6], "category order")
                try Expect.equal(
                    try await positions(EventFilter(categories: ["payment", "stock"])), [3, 5], "two categories")
                try Expect.equal(
                    try await positions(EventFilter(streams: [Fixtures.stream("order-1")])), [1, 2, 6], "one stream")
                try Expect.equal(try await positions(EventFilter(eventTypes: ["Placed"])), [1, 4], "type Placed")
                try Expect.equal(
                    try await positions(EventFilter(categories: ["order"], eventTypes: ["Paid"])), [2, 6],
                    "category and type together")
                try Expect.equal(try await positions(EventFilter(categories: [])), [], "an empty set keeps nothing")
                let third = try await Fixtures.position(ofOrdinal: 3, in: store)
                let limited = try await store.readAll(from: third, limit: 1, filter: EventFilter(categories: ["order"]))
                try Expect.equal(try await Fixtures.ordinals(of: limited, in: store), [4], "limit counts matching events")
            },
            ConformanceCheck("the global log as an AsyncSequence reads every event once across pages") { store in
                for index in 0..<25 {
                    try await store.append(Fixtures.events(2), to: Fixtures.stream("order-\(index)"), expecting: .noStream)
                }
                var positions: [Int64] = []
                for try await record in store.events(from: .start, pageSize: 7) { positions.append(record.position.rawValue) }
                try Expect.equal(positions, try await Fixtures.snapshot(of: store).map(\.position.rawValue), "positions through the sequence")
                try Expect.equal(positions.count, 50, "events through the sequence")
                var filtered = 0
                let eleventh = try await Fixtures.position(ofOrdinal: 11, in: store)
                for try await record in store.events(from: eleventh, filter: EventFilter(streams: [Fixtures.stream("order-20")]), pageSize: 1) {
                    try Expect.equal(record.stream, Fixtures.stream("order-20"), "filtered sequence stream")
                    filtered += 1
                }
                try Expect.equal(filtered, 2, "events of order-20 through a filtered sequence")
            },
            ConformanceCheck("a stream as an AsyncSequence reads forward and backward across pages") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(23), to: stream, expecting: .noStream)
                var forward: [Int64] = []
                for try await record in store.streamEvents(stream, pageSize: 5) { forward.append(record.version) }
                try Expect.equal(forward, Array(1...23), "forward versions")
                var backward: [Int64] = []
                for try await record in store.streamEvents(stream, from: .max, direction: .backward, pageSize: 5) {
                    backward.append(record.version)
                }
                try Expect.equal(backward, Array((1...23).reversed()), "backward versions")
            },
        ]
    }
}
