import Chronicle
import Testing

/// The retry half of the delivery core: attempts, back-off and what ends them.
@Suite("Failure policy retries")
struct FailurePolicyRetryTests {
    struct HandlerError: Error, Equatable { let attempt: Int }
    struct StorageDown: Error {}

    let policy = FailurePolicy(maxAttempts: 4, initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))

    @Test func aHandlerThatRecoversIsHandledOnTheAttemptThatSucceeded() async throws {
        let attempts = Locked(1)
        let retried = Locked<[Int]>([])
        let outcome = try await policy.retry(afterFailure: HandlerError(attempt: 1)) { failed, _ in
            retried.withLock { $0.append(failed) }
        } attempt: {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            return attempt < 3 ? HandlerError(attempt: attempt) : nil
        }
        guard case .handled(let count) = outcome else { Issue.record("\(outcome)"); return }
        #expect(count == 3)
        #expect(retried.withLock { $0 } == [1, 2], "told before each wait, with the failed attempts so far")
    }

    @Test func aHandlerThatKeepsFailingIsExhaustedAfterMaxAttemptsWithItsLastError() async throws {
        let attempts = Locked(1)
        let outcome = try await policy.retry(afterFailure: HandlerError(attempt: 1)) {
            HandlerError(attempt: attempts.withLock { $0 += 1; return $0 })
        }
        guard case .exhausted(let count, let lastError) = outcome else { Issue.record("\(outcome)"); return }
        #expect(count == 4)
        #expect(lastError as? HandlerError == HandlerError(attempt: 4))
        #expect(attempts.withLock { $0 } == 4, "the first attempt plus three retries")
    }

    @Test func oneAttemptMeansNoRetry() async throws {
        let outcome = try await FailurePolicy(maxAttempts: 1).retry(afterFailure: HandlerError(attempt: 1)) {
            Issue.record("retried although one attempt was allowed")
            return nil
        }
        guard case .exhausted(1, let lastError) = outcome else { Issue.record("\(outcome)"); return }
        #expect(lastError as? HandlerError == HandlerError(attempt: 1))
    }

    @Test func whatTheAttemptThrowsEndsTheRetriesAtOnce() async throws {
        let attempts = Locked(0)
        await #expect(throws: StorageDown.self) {
            _ = try await policy.retry(afterFailure: HandlerError(attempt: 1)) {
                attempts.withLock { $0 += 1 }
                throw StorageDown()
            }
        }
        #expect(attempts.withLock { $0 } == 1)
    }

    @Test func cancellationDuringABackOffEndsTheRetries() async throws {
        let slow = FailurePolicy(maxAttempts: 3, initialDelay: .seconds(60), maximumDelay: .seconds(60))
        let retrying = Task {
            try await slow.retry(afterFailure: HandlerError(attempt: 1)) { HandlerError(attempt: 2) }
        }
        retrying.cancel()
        await #expect(throws: CancellationError.self) { _ = try await retrying.value }
    }
}
