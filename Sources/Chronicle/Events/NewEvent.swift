public import Foundation

/// An event to append: what happened, not yet in the log.
///
/// The event id makes appends idempotent: appending the same ids to the same
/// stream at the same place again is a no-op that returns the first result;
/// the same id anywhere else is ``EventStoreError/duplicateEvent``. Generate it
/// once per logical event (the default does) and keep it across retries of the
/// same write.
///
/// ```swift
/// let event = NewEvent(
///     type: "OrderPlaced",
///     data: try JSONEncoder().encode(placed),
///     metadata: EventMetadata(correlationId: "req-7"))
/// try await store.append([event], to: try StreamName("order-42"), expecting: .noStream)
/// ```
public struct NewEvent: Hashable, Sendable {
    /// The largest data plus metadata, in bytes, that stores accept unless told
    /// otherwise: 1 MiB.
    ///
    /// ```swift
    /// let store = InMemoryEventStore(maximumEventSize: NewEvent.defaultMaximumSize * 4)
    /// ```
    public static let defaultMaximumSize = 1 << 20

    /// The unique id of this event in the store.
    public var id: UUID
    /// The stable type name, for example `"OrderPlaced"` (never a Swift type path).
    public var type: String
    /// The schema version of `data` for this type (starts at 1).
    public var schemaVersion: Int
    /// The payload, JSON by default.
    public var data: Data
    /// Correlation, causation and headers.
    public var metadata: EventMetadata

    /// Creates an event to append.
    ///
    /// - Parameters:
    ///   - id: The unique event id; by default a new time-ordered UUID (version 7:
    ///     milliseconds, then 74 random bits), which keeps the id index compact.
    ///   - type: The stable type name.
    ///   - schemaVersion: The payload's schema version; 1 by default.
    ///   - data: The payload bytes.
    ///   - metadata: Correlation, causation and headers.
    public init(
        id: UUID = .chronicleTimeOrdered(), type: String, schemaVersion: Int = 1, data: Data,
        metadata: EventMetadata = .empty
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
    }
}
