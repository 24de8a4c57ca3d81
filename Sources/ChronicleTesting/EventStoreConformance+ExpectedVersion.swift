internal import Chronicle

extension EventStoreConformance {
    static var expectedVersionChecks: [ConformanceCheck] {
        [
            ConformanceCheck("noStream succeeds on a new stream and fails on an existing one") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(1), to: stream, expecting: .noStream)
                let error = try await Expect.error(.wrongExpectedVersion, "noStream on an existing stream") {
                    try await store.append(Fixtures.events(1), to: stream, expecting: .noStream)
                }
                try Expect.equal(error.stream, stream, "stream named by the error")
                try Expect.equal(error.expectedVersion, .noStream, "expectation named by the error")
                try Expect.equal(error.actualVersion, 1, "actual version named by the error")
                try Expect.equal(try await store.streamVersion(stream), 1, "version after the failed append")
            },
            ConformanceCheck("exactly(n) succeeds at n and fails elsewhere, naming both versions") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(3), to: stream, expecting: .noStream)
                try await store.append(Fixtures.events(1), to: stream, expecting: .exactly(3))
                for wrong: Int64 in [0, 2, 3, 5] {
                    let error = try await Expect.error(.wrongExpectedVersion, "exactly(\(wrong)) at version 4") {
                        try await store.append(Fixtures.events(2), to: stream, expecting: .exactly(wrong))
                    }
                    try Expect.equal(error.expectedVersion, .exactly(wrong), "expectation named by the error")
                    try Expect.equal(error.actualVersion, 4, "actual version named by the error")
                    try Expect.that(
                        error.message.contains("order-1") && error.message.contains("\(wrong)")
                            && error.message.contains("4"),
                        "the message names stream, expected and actual version: \(error.message)")
                }
                try Expect.equal(try await store.headPosition(), 4, "nothing written by the failures")
            },
            ConformanceCheck("exactly(0) behaves as noStream") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(1), to: stream, expecting: .exactly(0))
                try await Expect.error(.wrongExpectedVersion, "exactly(0) on an existing stream") {
                    try await store.append(Fixtures.events(1), to: stream, expecting: .exactly(0))
                }
            },
            ConformanceCheck("streamExists fails on an empty stream and succeeds on an existing one") { store in
                let stream = Fixtures.stream("order-1")
                let error = try await Expect.error(.wrongExpectedVersion, "streamExists on a new stream") {
                    try await store.append(Fixtures.events(1), to: stream, expecting: .streamExists)
                }
                try Expect.equal(error.actualVersion, 0, "actual version of a missing stream")
                try Expect.equal(try await store.headPosition(), GlobalPosition.none, "nothing written")
                try await store.append(Fixtures.events(1), to: stream, expecting: .noStream)
                let result = try await store.append(Fixtures.events(1), to: stream, expecting: .streamExists)
                try Expect.equal(result.version, 2, "version after streamExists append")
            },
            ConformanceCheck("any appends to new and existing streams") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(2), to: stream, expecting: .any)
                let result = try await store.append(Fixtures.events(2), to: stream, expecting: .any)
                try Expect.equal(result.versions, 3...4, "versions of the second any-append")
            },
            ConformanceCheck("a conflicting batch writes none of its events") { store in
                let stream = Fixtures.stream("order-1")
                try await store.append(Fixtures.events(2), to: stream, expecting: .noStream)
                let before = try await Fixtures.snapshot(of: store)
                let batch = Fixtures.events(5)
                try await Expect.error(.wrongExpectedVersion, "batch at a stale version") {
                    try await store.append(batch, to: stream, expecting: .exactly(1))
                }
                try Expect.equal(try await Fixtures.snapshot(of: store), before, "the log after the conflict")
                // The same ids can still be appended at the right place: nothing of them was kept.
                let result = try await store.append(batch, to: stream, expecting: .exactly(2))
                try Expect.equal(result.versions, 3...7, "the batch lands whole afterwards")
            },
        ]
    }
}
