import Testing

@testable import Chronicle

/// The one rule of followers of the log for when this process's commits answer
/// for the complete position and when the store must be read.
@Suite("Complete position freshness")
struct CompletePositionFreshnessTests {
    @Test func theFirstAnswerIsARead() {
        var freshness = CompletePositionFreshness()
        #expect(freshness.next(known: 10, current: 5) == .read)
    }

    @Test func afterARecentReadOwnCommitsAnswerAndNothingNewKeeps() {
        var freshness = CompletePositionFreshness()
        freshness.didRead(at: .now)
        #expect(freshness.next(known: 10, current: 5) == .use(10))
        #expect(freshness.next(known: 10, current: 10) == .keep)
        // A follower for which holding on will not do reads instead.
        #expect(freshness.next(known: 10, current: 10, keepingIsAnAnswer: false) == .read)
    }

    @Test func aWakeUpOwnCommitsDoNotExplainIsARead() {
        var freshness = CompletePositionFreshness()
        freshness.didRead(at: .now)
        freshness.wokeUp()
        #expect(freshness.next(known: 10, current: 10) == .read, "woken by another process's append")
        #expect(freshness.next(known: 10, current: 10) == .keep, "the wake-up is spent")
    }

    @Test func aStoreThatKnowsNothingIsAlwaysRead() {
        var freshness = CompletePositionFreshness()
        freshness.didRead(at: .now)
        #expect(freshness.next(known: .none, current: 10) == .read)
    }

    @Test func anOldReadIsReadAgain() {
        var freshness = CompletePositionFreshness()
        freshness.didRead(at: .now - CompletePositionFreshness.storeRecheckInterval - .milliseconds(1))
        #expect(freshness.next(known: 10, current: 5) == .read)
        #expect(freshness.next(known: 10, current: 10) == .read)
    }
}
