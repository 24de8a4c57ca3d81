public import Foundation

/// The failed deliveries of one message to one consumer group so far.
public struct DeliveryAttempts: Hashable, Sendable {
    /// The group.
    public let consumer: String
    /// The message id.
    public let messageId: UUID
    /// Failed attempts so far.
    public let attempts: Int
    /// When the first attempt failed.
    public let firstFailedAt: Date
    /// When the last attempt failed.
    public let lastFailedAt: Date
    /// The last attempt's error.
    public let lastError: String

    /// Makes a record.
    public init(consumer: String, messageId: UUID, attempts: Int, firstFailedAt: Date, lastFailedAt: Date, lastError: String) {
        self.consumer = consumer
        self.messageId = messageId
        self.attempts = attempts
        self.firstFailedAt = firstFailedAt
        self.lastFailedAt = lastFailedAt
        self.lastError = lastError
    }
}

/// Where consumer groups count failed deliveries, so that retries resume after a
/// restart instead of starting over. An attempt counts when the handler throws;
/// a handler that kills its process is not counted (the message comes back on
/// every restart).
///
/// ```swift
/// let failed = try await attempts.recordFailure(consumer: "payments", message: id, error: "gateway timeout")
/// if failed.attempts >= policy.maxAttempts { /* dead-letter it */ }
/// ```
///
/// ## Implementation requirements
/// - ``recordFailure(consumer:message:error:)`` counts every call, also calls
///   from many tasks or processes at once for one message; the first sets
///   ``DeliveryAttempts/firstFailedAt``, later ones keep it and replace
///   ``DeliveryAttempts/lastFailedAt`` and ``DeliveryAttempts/lastError``.
///   Times are kept at least to the microsecond.
/// - ``clear(consumer:message:)`` of an unknown record is no error;
///   ``purge(consumer:)`` reports how many records went.
/// - Records of different groups and messages are independent. Group names are
///   bytes: two canonically equivalent spellings are two groups.
/// - `ChronicleTesting`'s `DeliveryAttemptStoreConformance` checks all of this;
///   every implementation runs it.
public protocol DeliveryAttemptStore: Sendable {
    /// The failed attempts of a message for a group, or `nil` when none failed.
    ///
    /// - Parameters:
    ///   - consumer: The group.
    ///   - message: The message id.
    /// - Throws: A storage error.
    func attempts(consumer: String, message: UUID) async throws -> DeliveryAttempts?

    /// Counts one more failed attempt (the first sets ``DeliveryAttempts/firstFailedAt``).
    ///
    /// - Parameters:
    ///   - consumer: The group.
    ///   - message: The message id.
    ///   - error: The attempt's error, as text.
    /// - Returns: The record after counting.
    /// - Throws: A storage error.
    @discardableResult
    func recordFailure(consumer: String, message: UUID, error: String) async throws -> DeliveryAttempts

    /// Forgets a message's failed attempts (it was handled or dead-lettered).
    ///
    /// - Parameters:
    ///   - consumer: The group.
    ///   - message: The message id.
    /// - Throws: A storage error.
    func clear(consumer: String, message: UUID) async throws

    /// Forgets every record of a group, or of all groups when `consumer` is `nil`.
    ///
    /// - Parameter consumer: The group, or `nil`.
    /// - Returns: How many records were removed.
    /// - Throws: A storage error.
    @discardableResult
    func purge(consumer: String?) async throws -> Int
}

/// A ``DeliveryAttemptStore`` in memory: for tests and the in-memory store.
///
/// ```swift
/// let attempts = InMemoryDeliveryAttemptStore()
/// ```
public final class InMemoryDeliveryAttemptStore: DeliveryAttemptStore {
    /// Group names as bytes: `String`'s `==` and hash would make canonically
    /// equivalent spellings one group.
    private struct Key: Hashable {
        let consumer: [UInt8]
        let message: UUID

        init(consumer: String, message: UUID) {
            self.consumer = Array(consumer.utf8)
            self.message = message
        }
    }

    private let records = Locked<[Key: DeliveryAttempts]>([:])

    /// Makes an empty store.
    public init() {}

    public func attempts(consumer: String, message: UUID) async throws -> DeliveryAttempts? {
        records.withLock { $0[Key(consumer: consumer, message: message)] }
    }

    @discardableResult
    public func recordFailure(consumer: String, message: UUID, error: String) async throws -> DeliveryAttempts {
        let now = Date()
        return records.withLock { records in
            let key = Key(consumer: consumer, message: message)
            let previous = records[key]
            let record = DeliveryAttempts(
                consumer: consumer, messageId: message, attempts: (previous?.attempts ?? 0) + 1,
                firstFailedAt: previous?.firstFailedAt ?? now, lastFailedAt: now, lastError: error)
            records[key] = record
            return record
        }
    }

    public func clear(consumer: String, message: UUID) async throws {
        _ = records.withLock { $0.removeValue(forKey: Key(consumer: consumer, message: message)) }
    }

    @discardableResult
    public func purge(consumer: String?) async throws -> Int {
        records.withLock { records in
            let before = records.count
            let bytes = consumer.map { Array($0.utf8) }
            records = records.filter { bytes != nil && $0.key.consumer != bytes }
            return before - records.count
        }
    }
}
