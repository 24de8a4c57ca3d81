internal import Chronicle
internal import Foundation

extension EventStoreConformance {
    static var validationChecks: [ConformanceCheck] {
        [
            ConformanceCheck("names are bytes: canonically equivalent spellings are different streams, categories and types") {
                store in
                // "café" with a precomposed é, and with e + a combining accent: equal as Swift Strings.
                let composed = try StreamName(category: "caf\u{E9}", id: "1")
                let decomposed = try StreamName(category: "cafe\u{301}", id: "1")
                try Expect.that(composed != decomposed, "the two spellings are different stream names")
                try await store.append([Fixtures.event("T\u{E9}")], to: composed, expecting: .noStream)
                try await store.append([Fixtures.event("Te\u{301}")], to: decomposed, expecting: .noStream)
                try Expect.equal(try await store.streamVersion(composed), 1, "the composed stream's version")
                try Expect.equal(try await store.streamVersion(decomposed), 1, "the decomposed stream's version")
                let byCategory = try await store.readAll(
                    from: .start, limit: 10, filter: EventFilter(categories: ["cafe\u{301}"]))
                try Expect.equal(byCategory.map(\.stream), [decomposed], "a category filter matches bytes")
                let byType = try await store.readAll(from: .start, limit: 10, filter: EventFilter(eventTypes: ["T\u{E9}"]))
                try Expect.equal(byType.map(\.stream), [composed], "an event type filter matches bytes")
            },
            ConformanceCheck("an oversized event is rejected with eventTooLarge and nothing is stored") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(1), to: stream, expecting: .noStream)
                let big = NewEvent(type: "Big", data: Data(count: (1 << 20) + 1))
                let error = try await Expect.error(.eventTooLarge, "a 1 MiB + 1 byte event") {
                    try await store.append([Fixtures.event(), big], to: stream, expecting: .exactly(1))
                }
                try Expect.equal(error.eventId, big.id, "the error names the big event")
                let fits = NewEvent(type: "Fits", data: Data(count: (1 << 20) - 100))
                try await store.append([fits], to: stream, expecting: .exactly(1))
                let read = try await store.readStream(stream, from: 1, direction: .forward, limit: 10)
                try Expect.equal(read.map(\.type), ["Happened", "Fits"], "only the valid appends are stored")
            },
            ConformanceCheck("an empty type name or a schema version below 1 is rejected with invalidEvent") { store in
                let stream = Fixtures.stream("order-1")
                try await Expect.error(.invalidEvent, "an empty type name") {
                    try await store.append([NewEvent(type: "", data: Data())], to: stream, expecting: .any)
                }
                try await Expect.error(.invalidEvent, "schema version 0") {
                    try await store.append([NewEvent(type: "A", schemaVersion: 0, data: Data())], to: stream, expecting: .any)
                }
                try await Expect.error(.invalidEvent, "a type name with a newline") {
                    try await store.append([NewEvent(type: "A\nB", data: Data())], to: stream, expecting: .any)
                }
                try Expect.equal(try await store.headPosition(), GlobalPosition.none, "nothing stored")
            },
            ConformanceCheck("limits below 1 and negative expected versions are invalid arguments") { store in
                let stream = Fixtures.stream("order-1")
                try await Expect.error(.invalidArgument, "readStream with limit 0") {
                    try await store.readStream(stream, from: 1, direction: .forward, limit: 0)
                }
                try await Expect.error(.invalidArgument, "readAll with limit -1") {
                    try await store.readAll(from: .start, limit: -1)
                }
                try await Expect.error(.invalidArgument, "exactly(-1)") {
                    try await store.append(Fixtures.events(1), to: stream, expecting: .exactly(-1))
                }
                try Expect.equal(try await store.headPosition(), GlobalPosition.none, "nothing stored")
            },
        ]
    }
}
