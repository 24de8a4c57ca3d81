internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var idempotencyChecks: [ConformanceCheck] {
        [
            ConformanceCheck("re-appending the same ids at the same place returns the original result") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(2), to: stream, expecting: .noStream)
                let batch = Fixtures.events(3)
                let first = try await store.append(batch, to: stream, expecting: .exactly(2))
                let other = try await store.append(Fixtures.events(1), to: Fixtures.stream("order-2"), expecting: .noStream)
                let again = try await store.append(batch, to: stream, expecting: .exactly(2))
                try Expect.equal(again, first, "the retried append's result")
                try Expect.equal(try await store.streamVersion(stream), 5, "no event was added twice")
                try Expect.equal(try await store.headPosition(), other.positions?.upperBound, "head after the retry")
                try Expect.equal(try await Fixtures.snapshot(of: store).count, 6, "events after the retry")
            },
            ConformanceCheck("idempotent retries work with noStream and any") { store in
                let stream = Fixtures.stream("order-1")
                let batch = Fixtures.events(2)
                let first = try await store.append(batch, to: stream, expecting: .noStream)
                try Expect.equal(try await store.append(batch, to: stream, expecting: .noStream), first, "noStream retry")
                try Expect.equal(try await store.append(batch, to: stream, expecting: .any), first, "any retry")
                try Expect.equal(try await store.streamVersion(stream), 2, "stream version after retries")
            },
            ConformanceCheck("an id already stored in another stream is a duplicate and nothing is written") { store in
                let event = Fixtures.event()
                try await store.append([event], to: Fixtures.stream("order-1"), expecting: .noStream)
                let before = try await Fixtures.snapshot(of: store)
                let error = try await Expect.error(.duplicateEvent, "the same id in another stream") {
                    try await store.append([Fixtures.event(), event], to: Fixtures.stream("order-2"), expecting: .any)
                }
                try Expect.equal(error.eventId, event.id, "the error names the duplicate id")
                try Expect.equal(try await Fixtures.snapshot(of: store), before, "the log after the duplicate")
            },
            ConformanceCheck("an id already stored at another place of the same stream is a duplicate") { store in
                let stream = Fixtures.stream("order-1")
                let event = Fixtures.event()
                try await store.append([event], to: stream, expecting: .noStream)
                try await store.append(Fixtures.events(1), to: stream, expecting: .exactly(1))
                try await Expect.error(.duplicateEvent, "same id appended at version 3") {
                    try await store.append([event], to: stream, expecting: .exactly(2))
                }
                try await Expect.error(.duplicateEvent, "same id appended with any") {
                    try await store.append([event, Fixtures.event()], to: stream, expecting: .any)
                }
                try Expect.equal(try await store.streamVersion(stream), 2, "version unchanged")
            },
            ConformanceCheck("a batch whose ids are only partly stored is a duplicate") { store in
                let stream = Fixtures.stream("order-1")
                let stored = Fixtures.events(2)
                try await store.append(stored, to: stream, expecting: .noStream)
                try await Expect.error(.duplicateEvent, "stored ids followed by a new one") {
                    try await store.append(stored + [Fixtures.event()], to: stream, expecting: .noStream)
                }
                try await Expect.error(.duplicateEvent, "stored ids in another order") {
                    try await store.append(stored.reversed(), to: stream, expecting: .noStream)
                }
                try Expect.equal(try await store.streamVersion(stream), 2, "version unchanged")
            },
            ConformanceCheck("the same id twice in one call is a duplicate") { store in
                let event = Fixtures.event()
                try await Expect.error(.duplicateEvent, "an id repeated in one batch") {
                    try await store.append([event, event], to: Fixtures.stream("order-1"), expecting: .noStream)
                }
                try await Expect.error(.duplicateEvent, "an id repeated across parts") {
                    try await store.append([
                        StreamAppend(stream: Fixtures.stream("order-1"), events: [event], expecting: .any),
                        StreamAppend(stream: Fixtures.stream("order-2"), events: [event], expecting: .any),
                    ])
                }
                try Expect.equal(try await store.headPosition(), GlobalPosition.none, "nothing written")
            },
        ]
    }
}
