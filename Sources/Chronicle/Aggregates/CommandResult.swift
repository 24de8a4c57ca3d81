/// What ``AggregateRepository/execute(_:context:maximumRetries:_:)`` or
/// ``AggregateRepository/create(_:context:_:)`` did.
///
/// ```swift
/// let result = try await orders.execute("42") { try $0.pay() }
/// result.version          // the stream's version after the append
/// result.events           // [OrderPaid(...)]
/// result.attempts         // 1 unless a conflict made it retry
/// ```
public struct CommandResult<A: Aggregate>: Sendable {
    /// The state after the new events.
    public let state: A
    /// The stream's version after the append (unchanged when the command returned no event).
    public let version: Int64
    /// The events the command returned, in order.
    public let events: [any DomainEvent]
    /// The same events as appended: ids, type names, payloads and metadata.
    public let appended: [NewEvent]
    /// The store's result; `nil` when the command returned no event.
    public let appendResult: AppendResult?
    /// How many times the command ran: 1, plus one per retry after a conflict.
    public let attempts: Int
    /// The messages published with the events (the outbox), in order; empty
    /// when the command published none.
    public let published: [PublishReceipt]

    /// Creates a result; the repository builds these.
    ///
    /// - Parameters:
    ///   - state: The new state.
    ///   - version: The new version.
    ///   - events: The typed events.
    ///   - appended: The events as appended.
    ///   - appendResult: The store's result.
    ///   - attempts: How many times the command ran.
    ///   - published: The messages published with the events.
    public init(
        state: A, version: Int64, events: [any DomainEvent], appended: [NewEvent], appendResult: AppendResult?,
        attempts: Int, published: [PublishReceipt] = []
    ) {
        self.state = state
        self.version = version
        self.events = events
        self.appended = appended
        self.appendResult = appendResult
        self.attempts = attempts
        self.published = published
    }
}
