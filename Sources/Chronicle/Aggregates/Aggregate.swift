/// A consistency boundary whose state is the fold of its events.
///
/// An aggregate is a value type with an id, a stream category, and
/// ``EventHandlers`` — one per event type, registered once — that evolve the state.
/// Replaying a stream applies the handlers in stream order to ``init(id:)``'s
/// initial state. Commands are plain functions or methods that look at the state
/// and return new events (or throw a domain error); they never mutate the state:
/// the ``AggregateRepository`` appends their events and applies them through the
/// same handlers.
///
/// ```swift
/// struct Order: Aggregate, Codable {
///     static let category = "order"
///     static let handlers = EventHandlers<Order>()
///         .on(OrderPlaced.self) { order, event in
///             order.customer = event.customer
///             order.status = .placed
///         }
///         .on(OrderPaid.self) { order, event in order.status = .paid }
///
///     let id: String
///     var customer = ""
///     var status = Status.new
///
///     init(id: String) { self.id = id }
///
///     func pay() throws -> [any DomainEvent] {
///         guard status == .placed else { throw OrderError.notPayable(status) }
///         return [OrderPaid()]
///     }
/// }
/// ```
///
/// Each aggregate instance lives in the stream `category-id`
/// (``streamName(for:)``), for example `order-42`.
public protocol Aggregate: Sendable {
    /// The identifier type; its `description` is the stream id.
    associatedtype ID: Hashable & Sendable & CustomStringConvertible = String

    /// The stream category: non-empty, without `-` (`"order"`).
    static var category: String { get }

    /// The handlers that evolve the state, one per event type.
    ///
    /// Declare them as a `static let`: they are read once per repository.
    static var handlers: EventHandlers<Self> { get }

    /// The version of the aggregate's snapshot shape; 1 unless it has changed.
    ///
    /// Raise it whenever the stored form of the state changes: snapshots taken
    /// with another version are ignored (the state is replayed from the events,
    /// and a new snapshot is taken by policy).
    static var snapshotSchemaVersion: Int { get }

    /// The aggregate's identifier.
    var id: ID { get }

    /// The state before any event: what replay starts from.
    ///
    /// - Parameter id: The aggregate's identifier.
    init(id: ID)
}

extension Aggregate {
    /// Version 1: the snapshot shape has not changed yet.
    public static var snapshotSchemaVersion: Int { 1 }

    /// The stream that holds the events of the aggregate with this id.
    ///
    /// ```swift
    /// try Order.streamName(for: "42")   // order-42
    /// ```
    ///
    /// - Parameter id: The aggregate's identifier.
    /// - Returns: `category-id`.
    /// - Throws: ``EventStoreError/invalidStreamName`` when the category or id is invalid.
    public static func streamName(for id: ID) throws -> StreamName {
        try StreamName(category: category, id: id.description)
    }
}
