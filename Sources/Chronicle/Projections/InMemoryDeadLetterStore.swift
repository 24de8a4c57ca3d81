internal import Foundation

/// Dead letters kept in memory: for tests and in-memory event stores.
///
/// ```swift
/// let deadLetters = InMemoryDeadLetterStore()
/// let parked = try await deadLetters.count(subscriber: "order-summary")
/// ```
public actor InMemoryDeadLetterStore: DeadLetterStore {
    private var entries: [DeadLetter] = []
    private var nextId: Int64 = 1

    /// Creates an empty store.
    public init() {}

    @discardableResult
    public func park(_ event: EventRecord, subscriber: String, error: String, attempts: Int) async throws -> DeadLetter {
        let letter = DeadLetter(
            id: nextId, subscriber: subscriber, position: event.position, eventId: event.id, stream: event.stream,
            type: event.type, error: error, attempts: attempts, failedAt: Date())
        nextId += 1
        entries.append(letter)
        return letter
    }

    public func deadLetters(subscriber: String?, limit: Int) async throws -> [DeadLetter] {
        try AppendValidation.checkLimit(limit)
        return Array(entries.lazy.filter { Self.matches($0, subscriber) }.prefix(limit))
    }

    public func count(subscriber: String?) async throws -> Int {
        entries.count { Self.matches($0, subscriber) }
    }

    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        let before = entries.count
        entries.removeAll { $0.id == id }
        return entries.count < before
    }

    @discardableResult
    public func purge(subscriber: String?) async throws -> Int {
        let before = entries.count
        entries.removeAll { Self.matches($0, subscriber) }
        return before - entries.count
    }

    @discardableResult
    public func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        let old = entries[index]
        let updated = DeadLetter(
            id: old.id, subscriber: old.subscriber, position: old.position, eventId: old.eventId, stream: old.stream,
            type: old.type, error: error, attempts: old.attempts + 1, failedAt: Date())
        entries[index] = updated
        return updated
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        entries.first { $0.id == id }
    }

    /// Whether an entry belongs to `subscriber` (every entry when `nil`). Names
    /// are bytes, as in every store: `==` on `String` would match canonically
    /// equivalent spellings.
    private static func matches(_ letter: DeadLetter, _ subscriber: String?) -> Bool {
        guard let subscriber else { return true }
        return letter.subscriber.utf8.elementsEqual(subscriber.utf8)
    }
}
