public import Chronicle
internal import Foundation

/// The contract of `DeliveryAttemptStore` as executable checks, run against
/// every delivery-attempt store (the in-memory one, SQLite's and PostgreSQL's)
/// so that they behave the same.
///
/// Each check needs a fresh, empty store. The checks cover every
/// implementation requirement the protocol documents: the first failure sets
/// the first time and later ones keep it, counts per group and message, clear
/// and purge, group names as bytes, and concurrent failures that all count.
///
/// ```swift
/// @Test(arguments: DeliveryAttemptStoreConformance.checks)
/// func conformance(_ check: StoreConformanceCheck<any DeliveryAttemptStore>) async throws {
///     try await check.run(against: InMemoryDeliveryAttemptStore())
/// }
/// ```
public enum DeliveryAttemptStoreConformance {
    /// Every check.
    ///
    /// ```swift
    /// for check in DeliveryAttemptStoreConformance.checks { try await check.run(against: InMemoryDeliveryAttemptStore()) }
    /// ```
    public static var checks: [StoreConformanceCheck<any DeliveryAttemptStore>] {
        countingChecks + removalChecks
    }

    static var countingChecks: [StoreConformanceCheck<any DeliveryAttemptStore>] {
        [
            StoreConformanceCheck("a fresh store has no attempts, and clearing or purging finds nothing") { store in
                let message = UUID()
                try Expect.that(try await store.attempts(consumer: "payments", message: message) == nil, "no record")
                try await store.clear(consumer: "payments", message: message)
                try Expect.equal(try await store.purge(consumer: "payments"), 0, "purging a group")
                try Expect.equal(try await store.purge(consumer: nil), 0, "purging everything")
            },
            StoreConformanceCheck("the first failure counts one attempt, with its time as first and last, and its error")
            { store in
                let message = UUID()
                let before = Date()
                let failed = try await store.recordFailure(consumer: "payments", message: message, error: "timeout: \u{1F4A5}")
                let after = Date()
                try Expect.equal(failed.consumer, "payments", "consumer")
                try Expect.equal(failed.messageId, message, "message id")
                try Expect.equal(failed.attempts, 1, "attempts")
                try Expect.equal(failed.lastError, "timeout: \u{1F4A5}", "last error")
                try Timing.expect(failed.firstFailedAt, between: before, and: after, "firstFailedAt")
                try Expect.equal(failed.lastFailedAt, failed.firstFailedAt, "lastFailedAt of the first failure")
                try Expect.equal(
                    try await store.attempts(consumer: "payments", message: message), failed, "the record read back")
            },
            StoreConformanceCheck("later failures add an attempt, keep the first time and replace the last and the error")
            { store in
                let message = UUID()
                let first = try await store.recordFailure(consumer: "payments", message: message, error: "one")
                try await Self.tick(after: first.firstFailedAt)
                _ = try await store.recordFailure(consumer: "payments", message: message, error: "two")
                try await Self.tick(after: first.firstFailedAt)
                let before = Date()
                let third = try await store.recordFailure(consumer: "payments", message: message, error: "three")
                let after = Date()
                try Expect.equal(third.attempts, 3, "attempts")
                try Expect.equal(third.firstFailedAt, first.firstFailedAt, "firstFailedAt is the first failure's")
                try Timing.expect(third.lastFailedAt, between: before, and: after, "lastFailedAt")
                try Expect.that(third.lastFailedAt > third.firstFailedAt, "the last failure is after the first")
                try Expect.equal(third.lastError, "three", "last error")
                try Expect.equal(
                    try await store.attempts(consumer: "payments", message: message), third, "the record read back")
            },
            StoreConformanceCheck("groups and messages are counted apart") { store in
                let one = UUID()
                let other = UUID()
                try await store.recordFailure(consumer: "payments", message: one, error: "e")
                try await store.recordFailure(consumer: "payments", message: one, error: "e")
                try await store.recordFailure(consumer: "payments", message: other, error: "e")
                try await store.recordFailure(consumer: "shipping", message: one, error: "e")
                try Expect.equal(try await store.attempts(consumer: "payments", message: one)?.attempts, 2, "payments, one")
                try Expect.equal(try await store.attempts(consumer: "payments", message: other)?.attempts, 1, "payments, other")
                try Expect.equal(try await store.attempts(consumer: "shipping", message: one)?.attempts, 1, "shipping, one")
                try Expect.that(try await store.attempts(consumer: "shipping", message: other) == nil, "shipping, other")
            },
            StoreConformanceCheck("group names are bytes: canonically equivalent spellings are different groups") {
                store in
                let composed = "caf\u{E9}"
                let decomposed = "cafe\u{301}"
                let message = UUID()
                try await store.recordFailure(consumer: composed, message: message, error: "e")
                try await store.recordFailure(consumer: composed, message: message, error: "e")
                try await store.recordFailure(consumer: decomposed, message: message, error: "e")
                try Expect.equal(try await store.attempts(consumer: composed, message: message)?.attempts, 2, "composed")
                try Expect.equal(try await store.attempts(consumer: decomposed, message: message)?.attempts, 1, "decomposed")
                try await store.clear(consumer: decomposed, message: message)
                try Expect.equal(
                    try await store.attempts(consumer: composed, message: message)?.attempts, 2, "composed after a clear")
                try await store.recordFailure(consumer: decomposed, message: message, error: "e")
                try Expect.equal(try await store.purge(consumer: composed), 1, "purging the composed group")
                try Expect.equal(
                    try await store.attempts(consumer: decomposed, message: message)?.attempts, 1, "decomposed stays")
            },
            StoreConformanceCheck("failures of one message from many tasks at once all count") { store in
                let message = UUID()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 1...40 {
                        group.addTask {
                            try await store.recordFailure(consumer: "payments", message: message, error: "e\(index)")
                        }
                    }
                    try await group.waitForAll()
                }
                let record = try await store.attempts(consumer: "payments", message: message)
                try Expect.equal(record?.attempts, 40, "attempts")
                try Expect.that(record.map { $0.lastFailedAt >= $0.firstFailedAt } ?? false, "last is not before first")
            },
        ]
    }

    static var removalChecks: [StoreConformanceCheck<any DeliveryAttemptStore>] {
        [
            StoreConformanceCheck("clear forgets one message of one group; the next failure starts over") { store in
                let message = UUID()
                let other = UUID()
                let first = try await store.recordFailure(consumer: "payments", message: message, error: "one")
                try await store.recordFailure(consumer: "payments", message: message, error: "two")
                try await store.recordFailure(consumer: "payments", message: other, error: "e")
                try await store.recordFailure(consumer: "shipping", message: message, error: "e")
                try await store.clear(consumer: "payments", message: message)
                try Expect.that(try await store.attempts(consumer: "payments", message: message) == nil, "cleared")
                try Expect.equal(try await store.attempts(consumer: "payments", message: other)?.attempts, 1, "other message")
                try Expect.equal(
                    try await store.attempts(consumer: "shipping", message: message)?.attempts, 1, "other group")
                try await store.clear(consumer: "payments", message: message)
                try await Self.tick(after: first.firstFailedAt)
                let again = try await store.recordFailure(consumer: "payments", message: message, error: "three")
                try Expect.equal(again.attempts, 1, "attempts after a clear")
                try Expect.that(again.firstFailedAt > first.firstFailedAt, "a new first failure after a clear")
            },
            StoreConformanceCheck("purge forgets a group's records, or everyone's, and reports how many") { store in
                for (consumer, count) in [("payments", 3), ("shipping", 2), ("mailer", 1)] {
                    for _ in 0..<count {
                        try await store.recordFailure(consumer: consumer, message: UUID(), error: "e")
                    }
                }
                let kept = UUID()
                try await store.recordFailure(consumer: "shipping", message: kept, error: "e")
                try await store.recordFailure(consumer: "shipping", message: kept, error: "e")
                try Expect.equal(try await store.purge(consumer: "payments"), 3, "purging payments")
                try Expect.equal(try await store.purge(consumer: "payments"), 0, "purging payments again")
                try Expect.equal(try await store.purge(consumer: "nobody"), 0, "purging an unknown group")
                try Expect.equal(try await store.attempts(consumer: "shipping", message: kept)?.attempts, 2, "shipping stays")
                try Expect.equal(try await store.purge(consumer: nil), 4, "purging everyone")
                try Expect.that(try await store.attempts(consumer: "shipping", message: kept) == nil, "nothing left")
            },
        ]
    }

    /// Waits until the clock has moved past `date` by more than a microsecond
    /// (stores keep microseconds), so that a later failure has a later time.
    private static func tick(after date: Date) async throws {
        while Date().timeIntervalSince(date) < 0.000_01 {
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
