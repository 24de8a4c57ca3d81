/// Where subscribers park events they gave up on.
///
/// ```swift
/// let stuck = try await deadLetters.count(subscriber: nil)
/// try await deadLetters.purge(subscriber: "order-summary")
/// ```
///
/// ## Implementation requirements
/// - ``park(_:subscriber:error:attempts:)`` assigns a new, increasing id, never
///   one used before, even after the newest entry was removed or all were
///   purged (an id a person read in a listing names that entry or nothing).
///   Parks from several tasks at once get distinct ids; parking one event twice
///   makes two entries. Fewer than one attempt throws `EventStoreError`
///   `.invalidArgument` and stores nothing (``AppendValidation/checkAttempts(_:)``).
/// - ``deadLetters(subscriber:limit:)`` lists entries in id order; `nil` lists all
///   subscribers. A limit below 1 throws `EventStoreError` `.invalidArgument`.
/// - ``remove(id:)`` and ``purge(subscriber:)`` report how many entries went;
///   an unknown id or subscriber is no error (`false`, 0).
/// - ``recordFailedRetry(id:error:)`` keeps the entry's id, event and place in
///   the listing, adds one attempt, and replaces the error and the time; it
///   returns `nil` for an unknown id.
/// - Subscriber names are bytes: they compare by their UTF-8 bytes, so two
///   canonically equivalent spellings are two subscribers.
/// - `ChronicleTesting`'s `DeadLetterStoreConformance` checks all of this; every
///   implementation runs it.
public protocol DeadLetterStore: Sendable {
    /// Parks an event.
    ///
    /// - Parameters:
    ///   - event: The event given up on.
    ///   - subscriber: Who gave up.
    ///   - error: The last error, as text.
    ///   - attempts: How many times the handler ran.
    /// - Returns: The new entry.
    /// - Throws: A store error.
    @discardableResult
    func park(_ event: EventRecord, subscriber: String, error: String, attempts: Int) async throws -> DeadLetter

    /// Lists parked events.
    ///
    /// - Parameters:
    ///   - subscriber: One subscriber, or `nil` for all.
    ///   - limit: The most entries.
    /// - Returns: Entries in id order.
    /// - Throws: A store error.
    func deadLetters(subscriber: String?, limit: Int) async throws -> [DeadLetter]

    /// Counts parked events.
    ///
    /// - Parameter subscriber: One subscriber, or `nil` for all.
    /// - Returns: The count.
    /// - Throws: A store error.
    func count(subscriber: String?) async throws -> Int

    /// Removes one entry.
    ///
    /// - Parameter id: The entry's id.
    /// - Returns: Whether it existed.
    /// - Throws: A store error.
    @discardableResult
    func remove(id: Int64) async throws -> Bool

    /// Removes every entry of a subscriber, or of all when `nil`.
    ///
    /// - Parameter subscriber: One subscriber, or `nil` for all.
    /// - Returns: How many entries went.
    /// - Throws: A store error.
    @discardableResult
    func purge(subscriber: String?) async throws -> Int

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
    /// One entry, by id: this default scans ``deadLetters(subscriber:limit:)``;
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
        try await deadLetters(subscriber: nil, limit: Int.max).first { $0.id == id }
    }
}
