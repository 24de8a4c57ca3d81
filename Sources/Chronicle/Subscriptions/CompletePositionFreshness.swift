/// When a follower of the log may take this process's commits for the complete
/// position, and when it must read the store: the one rule of
/// ``EventSubscription`` and the bus's partitions.
///
/// A store that knows the complete position its own commits reached
/// (``EventStore/knownCompletePosition``) answers for them. The store's
/// ``EventStore/completePosition()``, which also shows other processes'
/// appends, is read at least every ``storeRecheckInterval``, and after a wake-up
/// that this process's commits do not explain.
///
/// ```swift
/// var freshness = CompletePositionFreshness()
/// let known = store.knownCompletePosition
/// switch freshness.next(known: known, current: complete) {
/// case .use(let position): complete = position
/// case .keep: break
/// case .read:
///     complete = max(complete, try await store.completePosition(), known)
///     freshness.didRead(at: .now)
/// }
/// ```
struct CompletePositionFreshness: Sendable {
    /// What the follower does for its next complete position.
    enum Step: Equatable {
        /// Take this one: this process's commits passed the current one.
        case use(GlobalPosition)
        /// Keep the current one: nothing new here, and the store was read lately.
        case keep
        /// Read the store's complete position.
        case read
    }

    /// How long a follower goes on this process's commits alone before it reads
    /// the store for other processes' appends.
    static let storeRecheckInterval = Duration.milliseconds(20)

    private var storeRead: ContinuousClock.Instant?
    private var woke = false

    /// The follower waited for appends and was woken.
    mutating func wokeUp() { woke = true }

    /// The follower read the store's complete position at `instant`.
    mutating func didRead(at instant: ContinuousClock.Instant) { storeRead = instant }

    /// The next step.
    ///
    /// - Parameters:
    ///   - known: The store's ``EventStore/knownCompletePosition`` now.
    ///   - current: The complete position the follower holds.
    ///   - keepingIsAnAnswer: Whether holding on to `current` will do when nothing is new here.
    /// - Returns: Take `known`, keep `current`, or read the store.
    mutating func next(known: GlobalPosition, current: GlobalPosition, keepingIsAnAnswer: Bool = true) -> Step {
        defer { woke = false }
        let readIsRecent = storeRead.map { ContinuousClock.now - $0 < Self.storeRecheckInterval } ?? false
        if known > current, readIsRecent { return .use(known) }
        if known > .none, keepingIsAnAnswer, !woke, readIsRecent { return .keep }
        return .read
    }
}
