internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var appendChecks: [ConformanceCheck] {
        [
            ConformanceCheck("append to a new stream numbers versions from 1") { store in
                let stream = Fixtures.stream("order-1")
                let result = try await store.append(Fixtures.events(3), to: stream, expecting: .noStream)
                try Expect.equal(result.version, 3, "version after three events")
                try Expect.equal(result.versions, 1...3, "versions of the appended events")
                try Expect.equal(result.positions, GlobalPosition(1)...GlobalPosition(3), "positions")
                try Expect.equal(try await store.streamVersion(stream), 3, "stream version")
                try Expect.equal(try await store.headPosition(), 3, "head position")
            },
            ConformanceCheck("a second append continues the stream's versions") { store in
                let stream = Fixtures.stream("order-1")
                let first = try await store.append(Fixtures.events(2), to: stream, expecting: .noStream)
                let second = try await store.append(Fixtures.events(2), to: stream, expecting: first.nextExpectedVersion)
                try Expect.equal(second.versions, 3...4, "versions of the second append")
                let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 10)
                try Expect.equal(read.map(\.version), [1, 2, 3, 4], "stored versions")
            },
            ConformanceCheck("global positions start at 1 and increase strictly across streams") { store in
                var expected: [GlobalPosition] = []
                for round in 0..<5 {
                    for name in ["order-a", "order-b", "payment-a"] {
                        let result = try await store.append(
                            Fixtures.events(round % 2 + 1), to: Fixtures.stream(name), expecting: .any)
                        expected.append(contentsOf: (result.positions!.lowerBound.rawValue...result.positions!.upperBound.rawValue).map { GlobalPosition($0) })
                    }
                }
                let all = try await Fixtures.snapshot(of: store)
                try Expect.equal(all.map(\.position), expected, "positions in the log")
                try Fixtures.expectLogPositions(all.map(\.position.rawValue), in: store, "positions in the log")
                try Expect.equal(try await store.headPosition(), all.last!.position, "head is the last position")
            },
            ConformanceCheck("an empty store has head position 0 and streams at version 0") { store in
                try Expect.equal(try await store.headPosition(), GlobalPosition.none, "head of an empty store")
                try Expect.equal(try await store.streamVersion(Fixtures.stream("order-9")), 0, "missing stream version")
                let read = try await store.readStream(Fixtures.stream("order-9"), from: 1, direction: .forward, limit: 5)
                try Expect.that(read.isEmpty, "reading a missing stream returns nothing")
            },
            ConformanceCheck("an empty append checks the expected version and writes nothing") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(2), to: stream, expecting: .noStream)
                let result = try await store.append([], to: stream, expecting: .exactly(2))
                try Expect.equal(result.version, 2, "version after an empty append")
                try Expect.that(result.positions == nil && result.versions == nil, "no positions for an empty append")
                try await Expect.error(.wrongExpectedVersion, "empty append at a wrong version") {
                    try await store.append([], to: stream, expecting: .exactly(1))
                }
                try Expect.equal(
                    try await store.headPosition(), try await Fixtures.position(ofOrdinal: 2, in: store), "head unchanged")
            },
            ConformanceCheck("a multi-stream append commits every part with contiguous positions") { store in
                let order = Fixtures.stream("order-1")
                let outbox = Fixtures.stream("outbox-orders")
                let results = try await store.append([
                    StreamAppend(stream: order, events: Fixtures.events(2), expecting: .noStream),
                    StreamAppend(stream: outbox, events: Fixtures.events(1, type: "Published"), expecting: .any),
                ])
                try Expect.equal(results.map(\.stream), [order, outbox], "one result per part, in order")
                try Expect.equal(results[0].positions, GlobalPosition(1)...GlobalPosition(2), "order positions")
                try Expect.equal(results[1].positions, GlobalPosition(3)...GlobalPosition(3), "outbox position")
                try Expect.equal(try await store.streamVersion(outbox), 1, "outbox version")
            },
            ConformanceCheck("a multi-stream append with a failing part writes no part") { store in
                let order = Fixtures.stream("order-1")
                let stock = Fixtures.stream("stock-sku1")
                try await store.append(Fixtures.events(1), to: stock, expecting: .noStream)
                let before = try await Fixtures.snapshot(of: store)
                let error = try await Expect.error(.wrongExpectedVersion, "second part at a stale version") {
                    try await store.append([
                        StreamAppend(stream: order, events: Fixtures.events(2), expecting: .noStream),
                        StreamAppend(stream: stock, events: Fixtures.events(1), expecting: .exactly(0)),
                    ])
                }
                try Expect.equal(error.stream, stock, "the error names the failing stream")
                try Expect.equal(try await Fixtures.snapshot(of: store), before, "the log after the failed append")
                try Expect.equal(try await store.streamVersion(order), 0, "the first part was not written")
            },
            ConformanceCheck("parts for the same stream in one call apply in order") { store in
                let stream = Fixtures.stream("order-1")
                let results = try await store.append([
                    StreamAppend(stream: stream, events: Fixtures.events(1), expecting: .noStream),
                    StreamAppend(stream: stream, events: Fixtures.events(2), expecting: .exactly(1)),
                ])
                try Expect.equal(results.map(\.version), [1, 3], "versions after each part")
                try Expect.equal(try await store.streamVersion(stream), 3, "final version")
            },
            ConformanceCheck("event data, type and schema version round-trip byte for byte") { store in
                let stream = Fixtures.stream("blob-1")
                let binary = Data((0...255).map { UInt8($0) })
                let events = [
                    NewEvent(type: "Binary", schemaVersion: 3, data: binary),
                    NewEvent(type: "Empty", data: Data()),
                    NewEvent(type: "Ünïcode ✓", data: Data("{\"name\":\"Zoë 🎉\"}".utf8)),
                ]
                try await store.append(events, to: stream, expecting: .noStream)
                let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 10)
                try Expect.equal(read.map(\.data), events.map(\.data), "data")
                try Expect.equal(read.map(\.type), events.map(\.type), "types")
                try Expect.equal(read.map(\.schemaVersion), [3, 1, 1], "schema versions")
                try Expect.equal(read.map(\.id), events.map(\.id), "ids")
                try Expect.that(read.allSatisfy { $0.stream == stream }, "stream of every record")
            },
            ConformanceCheck("metadata round-trips: correlation, causation and headers") { store in
                let stream = Fixtures.stream("order-1")
                let metadata = EventMetadata(
                    correlationId: "corr-1", causationId: UUID().uuidString,
                    headers: ["tenant": "acme", "user": "zoë", "empty": ""])
                let events = [
                    NewEvent(type: "A", data: Data("{}".utf8), metadata: metadata),
                    NewEvent(type: "B", data: Data("{}".utf8)),
                    NewEvent(type: "C", data: Data("{}".utf8), metadata: EventMetadata(causationId: "cause-only")),
                ]
                try await store.append(events, to: stream, expecting: .noStream)
                let read = try await store.readAll(from: .start, limit: 10)
                try Expect.equal(read.map(\.metadata), events.map(\.metadata), "metadata read back")
            },
            ConformanceCheck("recorded-at is the time of the append, to the millisecond") { store in
                let before = Date()
                try await store.append(Fixtures.events(2), to: Fixtures.stream("order-1"), expecting: .noStream)
                let after = Date()
                let read = try await store.readAll(from: .start, limit: 10)
                for record in read {
                    try Expect.that(
                        record.recordedAt >= before.addingTimeInterval(-0.001)
                            && record.recordedAt <= after.addingTimeInterval(0.001),
                        "recorded-at \(record.recordedAt) lies between \(before) and \(after)")
                }
            },
        ]
    }
}
