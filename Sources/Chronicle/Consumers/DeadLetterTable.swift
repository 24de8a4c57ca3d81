internal import Foundation

/// The dead letters of an in-memory store as a value: what
/// ``InMemoryDeadLetterStore`` keeps in its actor and ``InMemoryProjectionStore``
/// keeps under its lock, next to checkpoints and read models.
///
/// Ids are never reused; consumer names compare as bytes.
struct DeadLetterTable: Sendable {
    private(set) var entries: [DeadLetter] = []
    private var nextId: Int64 = 1

    mutating func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date? = nil
    ) -> DeadLetter {
        let letter = DeadLetter(
            id: nextId, consumer: consumer, position: event.position, eventId: event.id, stream: event.stream,
            type: event.type, error: error, attempts: attempts, failedAt: Date(), firstFailedAt: firstFailedAt)
        nextId += 1
        entries.append(letter)
        return letter
    }

    func deadLetters(consumer: String?, limit: Int) throws -> [DeadLetter] {
        try AppendValidation.checkLimit(limit)
        return Array(entries.lazy.filter { Self.matches($0, consumer) }.prefix(limit))
    }

    func count(consumer: String?) -> Int {
        entries.count { Self.matches($0, consumer) }
    }

    func deadLetter(id: Int64) -> DeadLetter? {
        entries.first { $0.id == id }
    }

    mutating func remove(id: Int64) -> Bool {
        let before = entries.count
        entries.removeAll { $0.id == id }
        return entries.count < before
    }

    mutating func purge(consumer: String?) -> Int {
        let before = entries.count
        entries.removeAll { Self.matches($0, consumer) }
        return before - entries.count
    }

    mutating func recordFailedRetry(id: Int64, error: String) -> DeadLetter? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        let old = entries[index]
        let updated = DeadLetter(
            id: old.id, consumer: old.consumer, position: old.position, eventId: old.eventId, stream: old.stream,
            type: old.type, error: error, attempts: old.attempts + 1, failedAt: Date(), firstFailedAt: old.firstFailedAt)
        entries[index] = updated
        return updated
    }

    /// Whether an entry belongs to `consumer` (every entry when `nil`). Names
    /// are bytes, as in every store: `==` on `String` would match canonically
    /// equivalent spellings.
    private static func matches(_ letter: DeadLetter, _ consumer: String?) -> Bool {
        guard let consumer else { return true }
        return letter.consumer.utf8.elementsEqual(consumer.utf8)
    }
}
