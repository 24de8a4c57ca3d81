/// What replay does with a stored event that has no registered handler.
///
/// ```swift
/// static let handlers = EventHandlers<Order>(unknownEvents: .ignore)
///     .on(OrderPlaced.self) { order, event in order.status = .placed }
/// ```
public enum UnknownEventPolicy: Hashable, Sendable {
    /// Throw ``AggregateError/unknownEventType`` (the default): a state built
    /// without some of its events could be wrong.
    case fail
    /// Skip the event. Use it for streams shared with events that do not change
    /// the state (audit notes, events of newer releases that older ones may skip).
    case ignore
}
