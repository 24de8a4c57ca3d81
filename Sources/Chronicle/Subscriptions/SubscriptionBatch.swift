/// One delivery of a subscription: the next events, and how far the log has been read.
///
/// `position` is the subscription's new checkpoint: every event up to it that
/// matches the filter has been delivered (in this batch or an earlier one). With
/// a filter it can move past the last event of the batch, and a batch can be
/// empty while `position` still advances: save it, so a restart does not
/// re-scan what the filter skipped.
///
/// ```swift
/// for try await batch in store.subscribe(from: checkpoint.next) {
///     try await apply(batch.events)
///     checkpoint = batch.position
///     if batch.isCaughtUp { print("live") }
/// }
/// ```
public struct SubscriptionBatch: Hashable, Sendable {
    /// The events, in position order (possibly none).
    public let events: [EventRecord]
    /// Every matching event at or below this position has now been delivered.
    public let position: GlobalPosition
    /// Whether the subscription has reached the log's complete position as it was read.
    public let isCaughtUp: Bool
    /// The log's complete position when the batch was read: the position up to
    /// which no event can still appear (``EventStore/completePosition()``).
    public let completePosition: GlobalPosition

    /// Creates a batch; subscriptions build these.
    ///
    /// - Parameters:
    ///   - events: The events.
    ///   - position: The new checkpoint.
    ///   - isCaughtUp: Whether the complete position was reached.
    ///   - completePosition: The log's complete position when read.
    public init(events: [EventRecord], position: GlobalPosition, isCaughtUp: Bool, completePosition: GlobalPosition) {
        self.events = events
        self.position = position
        self.isCaughtUp = isCaughtUp
        self.completePosition = completePosition
    }
}
