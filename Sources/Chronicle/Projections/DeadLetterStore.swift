/// Where subscribers park events they gave up on.
///
/// ```swift
/// let stuck = try await deadLetters.count(subscriber: nil)
/// try await deadLetters.purge(subscriber: "order-summary")
/// ```
///
/// ## Implementation requirements
/// - ``park(_:subscriber:error:attempts:)`` assigns a new, increasing id.
/// - ``deadLetters(subscriber:limit:)`` lists entries in id order; `nil` lists all subscribers.
/// - ``remove(id:)`` and ``purge(subscriber:)`` report how many entries went.
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
}
