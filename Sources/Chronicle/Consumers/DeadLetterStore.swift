public import Foundation

/// Where consumers park events they gave up on.
///
/// ```swift
/// let stuck = try await deadLetters.count(consumer: nil)
/// try await deadLetters.purge(consumer: "order-summary")
/// ```
///
/// ## Implementation requirements
/// - ``park(_:consumer:error:attempts:)`` assigns a new, increasing id, never
///   one used before, even after the newest entry was removed or all were
///   purged (an id a person read in a listing names that entry or nothing).
///   Parks from several tasks at once get distinct ids; parking one event twice
///   makes two entries. Fewer than one attempt throws `EventStoreError`
///   `.invalidArgument` and stores nothing (`AppendValidation/checkAttempts(_:)`).
/// - ``deadLetters(consumer:limit:)`` lists entries in id order; `nil` lists all
///   consumers. A limit below 1 throws `EventStoreError` `.invalidArgument`.
/// - ``remove(id:)`` and ``purge(consumer:)`` report how many entries went;
///   an unknown id or consumer is no error (`false`, 0).
/// - ``park(_:consumer:error:attempts:firstFailedAt:)`` keeps `firstFailedAt`
///   (to the microsecond) in the entry; ``park(_:consumer:error:attempts:)``
///   leaves it `nil`.
/// - ``recordFailedRetry(id:error:)`` keeps the entry's id, event, first failure
///   and place in the listing, adds one attempt, and replaces the error and the
///   time; it returns `nil` for an unknown id.
/// - Consumer names are bytes: they compare by their UTF-8 bytes, so two
///   canonically equivalent spellings are two consumers.
/// - `ChronicleTesting`'s `DeadLetterStoreConformance` checks all of this; every
///   implementation runs it.
public protocol DeadLetterStore: Sendable {
    /// Parks an event.
    ///
    /// - Parameters:
    ///   - event: The event given up on.
    ///   - consumer: Who gave up.
    ///   - error: The last error, as text.
    ///   - attempts: How many times the handler ran.
    /// - Returns: The new entry.
    /// - Throws: A store error.
    @discardableResult
    func park(_ event: EventRecord, consumer: String, error: String, attempts: Int) async throws -> DeadLetter

    /// Parks an event with the time its first attempt failed (a bus group
    /// knows it: it counts attempts across restarts). The entry's
    /// ``DeadLetter/failedAt`` is the time of the park, as with
    /// ``park(_:consumer:error:attempts:)``.
    ///
    /// ```swift
    /// let failed = try await attempts.recordFailure(consumer: "payments", message: event.id, error: "timeout")
    /// try await deadLetters.park(
    ///     event, consumer: "payments", error: failed.lastError, attempts: failed.attempts,
    ///     firstFailedAt: failed.firstFailedAt)
    /// ```
    ///
    /// - Parameters:
    ///   - event: The event given up on.
    ///   - consumer: Who gave up.
    ///   - error: The last error, as text.
    ///   - attempts: How many times the handler ran.
    ///   - firstFailedAt: When the first attempt failed, or `nil` when unknown.
    /// - Returns: The new entry.
    /// - Throws: A store error; fewer than one attempt is `EventStoreError` `.invalidArgument`.
    @discardableResult
    func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter

    /// Lists parked events.
    ///
    /// - Parameters:
    ///   - consumer: One consumer, or `nil` for all.
    ///   - limit: The most entries.
    /// - Returns: Entries in id order.
    /// - Throws: A store error.
    func deadLetters(consumer: String?, limit: Int) async throws -> [DeadLetter]

    /// Counts parked events.
    ///
    /// - Parameter consumer: One consumer, or `nil` for all.
    /// - Returns: The count.
    /// - Throws: A store error.
    func count(consumer: String?) async throws -> Int

    /// Removes one entry.
    ///
    /// - Parameter id: The entry's id.
    /// - Returns: Whether it existed.
    /// - Throws: A store error.
    @discardableResult
    func remove(id: Int64) async throws -> Bool

    /// Removes every entry of a consumer, or of all when `nil`.
    ///
    /// - Parameter consumer: One consumer, or `nil` for all.
    /// - Returns: How many entries went.
    /// - Throws: A store error.
    @discardableResult
    func purge(consumer: String?) async throws -> Int

    /// Records that a retry of an entry failed again: one more attempt, the new
    /// error, the time of this failure. The entry keeps its id.
    ///
    /// - Parameters:
    ///   - id: The entry's id.
    ///   - error: The retry's error, as text.
    /// - Returns: The updated entry, or `nil` when there is no entry with this id.
    /// - Throws: A store error.
    @discardableResult
    func recordFailedRetry(id: Int64, error: String) async throws -> DeadLetter?

    /// One entry, by id.
    ///
    /// - Parameter id: The entry's id.
    /// - Returns: The entry, or `nil` when there is none with this id.
    /// - Throws: A store error.
    func deadLetter(id: Int64) async throws -> DeadLetter?
}

extension DeadLetterStore {
    /// Parks an event; this default, for stores written before dead letters
    /// kept their first failure, parks it with ``park(_:consumer:error:attempts:)``
    /// and so forgets `firstFailedAt` (the entry's is `nil`). Every Chronicle
    /// store keeps it.
    ///
    /// ```swift
    /// try await deadLetters.park(event, consumer: "payments", error: "timeout", attempts: 5, firstFailedAt: first)
    /// ```
    ///
    /// - Parameters:
    ///   - event: The event given up on.
    ///   - consumer: Who gave up.
    ///   - error: The last error, as text.
    ///   - attempts: How many times the handler ran.
    ///   - firstFailedAt: When the first attempt failed (not kept by this default).
    /// - Returns: The new entry.
    /// - Throws: What ``park(_:consumer:error:attempts:)`` throws.
    @discardableResult
    public func park(
        _ event: EventRecord, consumer: String, error: String, attempts: Int, firstFailedAt: Date?
    ) async throws -> DeadLetter {
        try await park(event, consumer: consumer, error: error, attempts: attempts)
    }

    /// One entry, by id: this default scans ``deadLetters(consumer:limit:)``;
    /// stores with an index on the id look it up directly.
    ///
    /// ```swift
    /// if let letter = try await deadLetters.deadLetter(id: 12) { print(letter.error) }
    /// ```
    ///
    /// - Parameter id: The entry's id.
    /// - Returns: The entry, or `nil` when there is none with this id.
    /// - Throws: A store error.
    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await deadLetters(consumer: nil, limit: Int.max).first { $0.id == id }
    }
}

/// The calls under their names from before dead letters served every consumer.
extension DeadLetterStore {
    @available(*, deprecated, renamed: "park(_:consumer:error:attempts:)")
    @discardableResult
    public func park(_ event: EventRecord, subscriber: String, error: String, attempts: Int) async throws -> DeadLetter {
        try await park(event, consumer: subscriber, error: error, attempts: attempts)
    }

    @available(*, deprecated, renamed: "deadLetters(consumer:limit:)")
    public func deadLetters(subscriber: String?, limit: Int) async throws -> [DeadLetter] {
        try await deadLetters(consumer: subscriber, limit: limit)
    }

    @available(*, deprecated, renamed: "count(consumer:)")
    public func count(subscriber: String?) async throws -> Int { try await count(consumer: subscriber) }

    @available(*, deprecated, renamed: "purge(consumer:)")
    @discardableResult
    public func purge(subscriber: String?) async throws -> Int { try await purge(consumer: subscriber) }
}
