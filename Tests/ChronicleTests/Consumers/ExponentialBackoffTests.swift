import Testing

@testable import Chronicle

/// The one exponential back-off bound that failure policies and the repository's retries share.
@Suite("Exponential back-off")
struct ExponentialBackoffTests {
    @Test func theFirstWaitDoublesPerAttemptUpToTheCap() {
        let bounds = (1...9).map {
            ExponentialBackoff.bound(initial: .milliseconds(2), cap: .milliseconds(100), afterAttempt: $0)
        }
        #expect(bounds.map { ($0 * 1e6).rounded() / 1e3 } == [2, 4, 8, 16, 32, 64, 100, 100, 100])
        #expect(ExponentialBackoff.bound(initial: .milliseconds(2), cap: .milliseconds(100), afterAttempt: 0) == 0.002)
        #expect(ExponentialBackoff.bound(initial: .seconds(1), cap: .seconds(10), afterAttempt: 10_000) == 10)
    }

    @Test func aFailurePolicyWaitsTheBoundPlusAtMostItsJitter() {
        let policy = FailurePolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0.2)
        for attempt in 1...6 {
            let bound = ExponentialBackoff.bound(initial: .milliseconds(100), cap: .seconds(1), afterAttempt: attempt)
            let delay = policy.delay(afterAttempt: attempt).seconds
            #expect(delay >= bound - 1e-9 && delay <= bound * 1.2 + 1e-9, "attempt \(attempt): \(delay)")
        }
    }

    @Test func theRepositoryWaitsAtRandomBelowTheBound() {
        let options = AggregateRepository<Counter>.Options(
            retryDelay: .milliseconds(2), maximumRetryDelay: .milliseconds(100))
        for retry in 1...8 {
            let bound = ExponentialBackoff.bound(initial: .milliseconds(2), cap: .milliseconds(100), afterAttempt: retry)
            let delays = (0..<50).map { _ in options.delay(beforeRetry: retry).seconds }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= bound + 1e-9 }, "retry \(retry)")
        }
        let none = AggregateRepository<Counter>.Options(retryDelay: .zero)
        #expect(none.delay(beforeRetry: 3) == .zero)
    }

    struct Counter: Aggregate, Codable {
        static let category = "counter"
        static let handlers = EventHandlers<Counter>()
        let id: String
        init(id: String) { self.id = id }
    }
}
