/// What became of a dead letter given to ``ProjectionRunner/retry(_:)``.
///
/// ```swift
/// switch try await runner.retry(letter) {
/// case .applied, .alreadyApplied: print("dead letter \(letter.id) resolved")
/// case .failed(let kept): print("failed again (\(kept.attempts) attempts): \(kept.error)")
/// case .notReached(let checkpoint): print("the projection is still at \(checkpoint)")
/// case .gone: print("someone else retried or purged it")
/// }
/// ```
public enum DeadLetterRetryResult: Hashable, Sendable {
    /// The handler applied the event; the entry was removed.
    case applied
    /// The projection had applied the event since it was parked (a projection
    /// whose policy stops retries the event when it runs again); the entry was
    /// removed without applying the event a second time.
    case alreadyApplied
    /// The handler failed again; the entry stays, with one more attempt, the new
    /// error and the new time.
    case failed(DeadLetter)
    /// The projection has not reached the event yet (its checkpoint was moved
    /// back): nothing changed, and it will meet the event when it runs.
    case notReached(checkpoint: GlobalPosition)
    /// The entry was no longer there (retried or purged meanwhile): nothing changed.
    case gone
}
