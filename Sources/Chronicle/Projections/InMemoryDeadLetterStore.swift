/// Dead letters kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let deadLetters = InMemoryDeadLetterStore()
/// let parked = try await deadLetters.count(subscriber: "order-summary")
/// ```
public actor InMemoryDeadLetterStore: DeadLetterStore {
    private var table = DeadLetterTable()

    /// Creates an empty store.
    public init() {}

    @discardableResult
    public func park(_ event: EventRecord, subscriber: String, error: String, attempts: Int) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return table.park(event, subscriber: subscriber, error: error, attempts: attempts)
    }

    public func deadLetters(subscriber: String?, limit: Int) async throws -> [DeadLetter] {
        try table.deadLetters(subscriber: subscriber, limit: limit)
    }

    public func count(subscriber: String?) async throws -> Int {
        table.count(subscriber: subscriber)
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        table.remove(id: id)
    }

    @discardableResult
    public func purge(subscriber: String?) async throws -> Int {
        table.purge(subscriber: subscriber)
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        table.recordFailedRetry(id: id, error: error)
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        table.deadLetter(id: id)
    }
}
