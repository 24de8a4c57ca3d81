@_spi(Implementing) internal import Chronicle
internal import Foundation

/// The exactly-once contract of `RunnableProjection` as executable
/// checks, run against every backend whose read models share the store's
/// database (SQLite, PostgreSQL; any such backend added later) and the in-memory one.
///
/// The checks drive a projection through a backend's
/// ``ExactlyOnceProjectionHarness``: the read model and the checkpoint commit
/// together; a failing event rolls back its writes; re-delivery of events at or
/// below the committed checkpoint (a restart after a crash, or a stale second
/// runner) applies nothing twice; parking, reset and dead-letter retries keep
/// the read model, the checkpoint and the dead letters in step.
///
/// ```swift
/// @Test(arguments: ExactlyOnceProjectionConformance.checks)
/// func conformance(_ check: StoreConformanceCheck<any ExactlyOnceProjectionHarness>) async throws {
///     let directory = try TemporaryDirectory()
///     try await check.run(against: SQLiteHarness(sqlite: try await SQLiteEventStore(path: directory.path("p.sqlite"))))
/// }
/// ```
public enum ExactlyOnceProjectionConformance {
    /// Every check.
    ///
    /// ```swift
    /// for check in ExactlyOnceProjectionConformance.checks { try await check.run(against: harness()) }
    /// ```
    public static var checks: [StoreConformanceCheck<any ExactlyOnceProjectionHarness>] {
        applyChecks + redeliveryChecks + deadLetterChecks
    }

    static var applyChecks: [StoreConformanceCheck<any ExactlyOnceProjectionHarness>] {
        [
            StoreConformanceCheck("apply moves the read model and the checkpoint together") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(run.events, through: run.events[4].position)
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[4].position, "the checkpoint")
                let again = try await harness.projection(named: Run.name) { _ in false }
                try Expect.equal(try await again.checkpoint(), run.events[4].position, "another instance's checkpoint")
            },
            StoreConformanceCheck(
                "a handler throwing at index i keeps events before i with the checkpoint at i-1, and rolls back event i"
            ) { harness in
                let run = try await Run(harness)
                run.failing.set([run.events[2].id])
                do {
                    try await run.projection.apply(run.events, through: run.events[4].position)
                    throw ConformanceFailure(message: "apply succeeded past a failing handler", file: #fileID, line: #line)
                } catch let failure as ProjectionApplyFailure {
                    try Expect.equal(failure.index, 2, "the failed event's index")
                }
                try await run.expectApplied(Array(run.events[..<2]), "the events before the failure, once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[1].position, "the checkpoint")
            },
            StoreConformanceCheck("a handler throwing at the first event changes nothing") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<1]), through: run.events[0].position)
                run.failing.set([run.events[1].id])
                do {
                    try await run.projection.apply(Array(run.events[1...]), through: run.events[4].position)
                    throw ConformanceFailure(message: "apply succeeded past a failing handler", file: #fileID, line: #line)
                } catch let failure as ProjectionApplyFailure {
                    try Expect.equal(failure.index, 0, "the failed event's index")
                }
                try await run.expectApplied([run.events[0]], "only the first batch")
                try Expect.equal(try await run.projection.checkpoint(), run.events[0].position, "the checkpoint stays")
            },
            StoreConformanceCheck("prepare again, as every run does, keeps the read model and the checkpoint") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<3]), through: run.events[2].position)
                let restarted = try await harness.projection(named: Run.name) { _ in false }
                try await restarted.prepare()
                try await run.projection.prepare()
                try await run.expectApplied(Array(run.events[..<3]), "the read model")
                try Expect.equal(try await restarted.checkpoint(), run.events[2].position, "the checkpoint")
            },
            StoreConformanceCheck("an empty batch moves the checkpoint only") { harness in
                let run = try await Run(harness)
                try await run.projection.apply([], through: run.events[3].position)
                try Expect.equal(try await run.projection.checkpoint(), run.events[3].position, "the checkpoint")
                try await run.expectApplied([], "nothing applied")
            },
        ]
    }

    static var redeliveryChecks: [StoreConformanceCheck<any ExactlyOnceProjectionHarness>] {
        [
            StoreConformanceCheck("re-delivering a committed batch, or part of it, changes nothing") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(run.events, through: run.events[4].position)
                try await run.projection.apply(run.events, through: run.events[4].position)
                try await run.projection.apply(Array(run.events[1..<3]), through: run.events[2].position)
                try await run.projection.apply([], through: run.events[0].position)
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(
                    try await run.projection.checkpoint(), run.events[4].position, "the checkpoint never moves back")
            },
            StoreConformanceCheck("a batch straddling the checkpoint applies only the events after it") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<3]), through: run.events[2].position)
                try await run.projection.apply(Array(run.events[1...]), through: run.events[4].position)
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[4].position, "the checkpoint")
            },
            StoreConformanceCheck("a failure in a re-delivered batch keeps the committed checkpoint") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<4]), through: run.events[3].position)
                run.failing.set([run.events[4].id])
                do {
                    try await run.projection.apply(run.events, through: run.events[4].position)
                    throw ConformanceFailure(message: "apply succeeded past a failing handler", file: #fileID, line: #line)
                } catch let failure as ProjectionApplyFailure {
                    try Expect.equal(failure.index, 4, "the failed event's index")
                }
                try await run.expectApplied(Array(run.events[..<4]), "the committed events, once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[3].position, "the checkpoint")
            },
            StoreConformanceCheck("a stale second runner of the projection applies nothing twice") { harness in
                let run = try await Run(harness)
                let stale = try await harness.projection(named: Run.name) { _ in false }
                let staleStart = try await stale.checkpoint()
                try await run.projection.apply(Array(run.events[..<3]), through: run.events[2].position)
                // The stale runner read its checkpoint before the batch committed: it delivers from there.
                let fromStale = run.events.filter { $0.position > staleStart }
                try await stale.apply(fromStale, through: run.events[4].position)
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[4].position, "the checkpoint")
            },
            StoreConformanceCheck("two runners applying the same batches at once apply each event once") { harness in
                let run = try await Run(harness, count: 40)
                let second = try await harness.projection(named: Run.name) { _ in false }
                let batches = stride(from: 0, to: 40, by: 8).map { Array(run.events[$0..<($0 + 8)]) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for runner in [run.projection, second] {
                        group.addTask {
                            for batch in batches { try await runner.apply(batch, through: batch.last!.position) }
                        }
                    }
                    try await group.waitForAll()
                }
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[39].position, "the checkpoint")
            },
        ]
    }

    static var deadLetterChecks: [StoreConformanceCheck<any ExactlyOnceProjectionHarness>] {
        [
            StoreConformanceCheck("park records a dead letter, and moves the checkpoint to the event when skipping") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<2]), through: run.events[1].position)
                try await run.projection.park(run.events[2], error: "boom", attempts: 3, skip: true)
                try Expect.equal(try await run.projection.checkpoint(), run.events[2].position, "the checkpoint after a skip")
                try await run.projection.park(run.events[3], error: "bang", attempts: 1, skip: false)
                try Expect.equal(try await run.projection.checkpoint(), run.events[2].position, "the checkpoint after a stop")
                let letters = try await harness.deadLetters.deadLetters(consumer: Run.name, limit: 10)
                try Expect.equal(letters.map(\.eventId), [run.events[2].id, run.events[3].id], "the dead letters")
                try Expect.equal(letters.map(\.error), ["boom", "bang"], "their errors")
                try Expect.equal(letters.map(\.attempts), [3, 1], "their attempts")
                try Expect.equal(try await run.projection.deadLetterCount(), 2, "the projection's count")
                try await run.expectApplied(Array(run.events[..<2]), "parking applies nothing")
            },
            StoreConformanceCheck("a stale runner parking an event at or below the checkpoint changes nothing") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(run.events, through: run.events[4].position)
                try await run.projection.park(run.events[2], error: "stale", attempts: 3, skip: true)
                try Expect.equal(try await run.projection.checkpoint(), run.events[4].position, "the checkpoint")
                try Expect.equal(try await run.projection.deadLetterCount(), 0, "no dead letter for an applied event")
            },
            StoreConformanceCheck("reset clears the read model, the checkpoint and the projection's dead letters") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<3]), through: run.events[2].position)
                try await run.projection.park(run.events[3], error: "boom", attempts: 1, skip: true)
                try await harness.deadLetters.park(run.events[4], consumer: "someone-else", error: "x", attempts: 1)
                try await run.projection.reset()
                try await run.expectApplied([], "the read model is empty")
                try Expect.equal(try await run.projection.checkpoint(), GlobalPosition.none, "the checkpoint")
                try Expect.equal(try await run.projection.deadLetterCount(), 0, "the projection's dead letters")
                try Expect.equal(try await harness.deadLetters.count(consumer: "someone-else"), 1, "others' dead letters")
                try await run.projection.apply(run.events, through: run.events[4].position)
                try await run.expectApplied(run.events, "a rebuild applies every event once")
            },
            StoreConformanceCheck("retry at the stop applies the event, moves the checkpoint and removes the entry") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<2]), through: run.events[1].position)
                let letter = try await run.parkFailing(run.events[2], skip: false)
                run.failing.set([])
                let result = try await run.projection.retry(run.events[2], deadLetter: letter.id, advancingCheckpoint: true)
                try Expect.equal(result, .applied, "the result")
                try await run.expectApplied(Array(run.events[..<3]), "the retried event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[2].position, "the checkpoint")
                try Expect.that(try await harness.deadLetters.deadLetter(id: letter.id) == nil, "the entry is gone")
            },
            StoreConformanceCheck("retry of a skipped event applies it out of order and keeps the checkpoint") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<2]), through: run.events[1].position)
                let letter = try await run.parkFailing(run.events[2], skip: true)
                run.failing.set([])
                try await run.projection.apply(Array(run.events[3...]), through: run.events[4].position)
                let result = try await run.projection.retry(run.events[2], deadLetter: letter.id, advancingCheckpoint: false)
                try Expect.equal(result, .applied, "the result")
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.checkpoint(), run.events[4].position, "the checkpoint")
                try Expect.equal(try await run.projection.deadLetterCount(), 0, "the entry is gone")
                try Expect.equal(
                    try await run.projection.retry(run.events[2], deadLetter: letter.id, advancingCheckpoint: false),
                    .gone, "a second retry of the same entry")
                try await run.expectApplied(run.events, "still every event once")
            },
            StoreConformanceCheck("two retries of one dead letter at once apply the event once") { harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<2]), through: run.events[1].position)
                let letter = try await run.parkFailing(run.events[2], skip: true)
                run.failing.set([])
                let second = try await harness.projection(named: Run.name) { _ in false }
                let results = try await withThrowingTaskGroup(of: DeadLetterRetryResult.self) { group in
                    for runner in [run.projection, second] {
                        group.addTask {
                            try await runner.retry(run.events[2], deadLetter: letter.id, advancingCheckpoint: false)
                        }
                    }
                    var results: [DeadLetterRetryResult] = []
                    for try await result in group { results.append(result) }
                    return results
                }
                try Expect.equal(results.filter { $0 == .applied }.count, 1, "one retry applied: \(results)")
                try Expect.equal(results.filter { $0 == .gone }.count, 1, "the other found the entry gone: \(results)")
                try await run.expectApplied(Array(run.events[..<3]), "the retried event once")
            },
            StoreConformanceCheck("retry of an event the checkpoint reached removes the entry and applies nothing") {
                harness in
                let run = try await Run(harness)
                let letter = try await run.parkFailing(run.events[0], skip: false)
                run.failing.set([])
                try await run.projection.apply(run.events, through: run.events[4].position)
                let result = try await run.projection.retry(run.events[0], deadLetter: letter.id, advancingCheckpoint: true)
                try Expect.equal(result, .alreadyApplied, "the result")
                try await run.expectApplied(run.events, "every event once")
                try Expect.equal(try await run.projection.deadLetterCount(), 0, "the entry is gone")
            },
            StoreConformanceCheck("a failing retry leaves the read model and checkpoint, and adds an attempt") {
                harness in
                let run = try await Run(harness)
                try await run.projection.apply(Array(run.events[..<2]), through: run.events[1].position)
                let letter = try await run.parkFailing(run.events[2], skip: false)
                let result = try await run.projection.retry(run.events[2], deadLetter: letter.id, advancingCheckpoint: true)
                guard case .failed(let kept) = result else {
                    throw ConformanceFailure(message: "expected .failed, got \(result)", file: #fileID, line: #line)
                }
                try Expect.equal(kept.id, letter.id, "the entry's id")
                try Expect.equal(kept.attempts, letter.attempts + 1, "one more attempt")
                try await run.expectApplied(Array(run.events[..<2]), "the failed retry's writes rolled back")
                try Expect.equal(try await run.projection.checkpoint(), run.events[1].position, "the checkpoint")
                try Expect.equal(try await harness.deadLetters.deadLetter(id: letter.id), kept, "the stored entry")
            },
        ]
    }
}
