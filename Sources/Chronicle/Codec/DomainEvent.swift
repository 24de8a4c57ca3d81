/// A typed domain event: a `Codable` value with a stable type name and a schema version.
///
/// The type name is what the log stores and what every reader (aggregates,
/// projections, other services) recognises the event by, so it is written out
/// explicitly and never derived from the Swift type's name or module: renaming
/// the struct must not change the stored history. The schema version counts
/// changes of the payload's shape; when it goes up, add an ``EventUpcaster`` that
/// turns the previous version's payload into the new one.
///
/// ```swift
/// struct OrderPlaced: DomainEvent {
///     static let eventType = "OrderPlaced"
///     static let schemaVersion = 2
///     static let upcasters = [
///         EventUpcaster.json(from: 1) { payload in payload["currency"] = "EUR" },
///     ]
///
///     var customer: String
///     var total: Int
///     var currency: String
/// }
/// ```
///
/// ## Implementation requirements
/// - ``eventType`` is stable for the life of the data: 1 to 256 UTF-8 bytes, no
///   control characters, unique among the types of one ``EventTypeRegistry``.
/// - ``schemaVersion`` starts at 1 and only goes up; ``upcasters`` cover every
///   step from the oldest stored version to the current one.
public protocol DomainEvent: Codable, Sendable {
    /// The stable name the log stores, for example `"OrderPlaced"`.
    static var eventType: String { get }
    /// The version of this type's payload shape; 1 unless the shape has changed.
    static var schemaVersion: Int { get }
    /// The upcasters from older schema versions, one per step (`from: 1` turns a
    /// version 1 payload into version 2, and so on). None by default.
    static var upcasters: [EventUpcaster] { get }
}

extension DomainEvent {
    /// Version 1: the payload shape has not changed yet.
    public static var schemaVersion: Int { 1 }
    /// No upcasters.
    public static var upcasters: [EventUpcaster] { [] }

    /// The event's type name, for an existential value.
    ///
    /// ```swift
    /// let events: [any DomainEvent] = [OrderPlaced(...)]
    /// events[0].eventType   // "OrderPlaced"
    /// ```
    public var eventType: String { Self.eventType }
}
