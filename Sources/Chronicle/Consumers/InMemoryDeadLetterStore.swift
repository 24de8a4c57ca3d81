public import Foundation

/// Dead letters kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let deadLetters = InMemoryDeadLetterStore()
/// let parked = try await deadLetters.count(consumer: "order-summary")
/// ```
public actor InMemoryDeadLetterStore: DeadLetterStore {
    private var table = DeadLetterTable()

    /// Creates an empty store.
    public init() {}

    @discardableResult
    public func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return table.park(event, consumer: consumer, error: error, attempts: attempts)
    }

    @discardableResult
    public func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter {
        try AppendValidation.checkAttempts(attempts)
        return table.park(event, consumer: consumer, error: error, attempts: attempts, firstFailedAt: firstFailedAt)
    }

    public func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter] {
        try table.deadLetters(consumer: consumer, limit: limit)
    }

    public func count(consumer: String?) async throws -> Int {
        table.count(consumer: consumer)
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        table.remove(id: id)
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        table.purge(consumer: consumer)
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        table.recordFailedRetry(id: id, error: error)
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        table.deadLetter(id: id)
    }
}
