/// What an exactly-once (inbox) handler did with a message.
public enum InboxOutcome: Hashable, Sendable {
    /// The handler ran; its writes, the inbox entry and the checkpoint committed together.
    case handled
    /// The group's inbox already held the message id: the handler did not run,
    /// the checkpoint was saved.
    case alreadyProcessed
}

/// A handler whose writes commit in the store's own database together with the
/// message's inbox entry and the group's checkpoint: the exactly-once effect.
///
/// Backends provide it (`SQLiteEventStore.inbox(_:)`); a consumer group given one
/// (``EventBus/consume(_:inbox:)``) calls it instead of saving the checkpoint itself.
///
/// ## Implementation requirements
/// In one transaction: if the inbox of `message.group` holds `message.id`, skip
/// the handler; otherwise run it and add the id to the inbox; then save
/// `checkpoint` at `position` unless the stored checkpoint is already at or past
/// it. When the handler throws, roll everything back and rethrow its error.
public protocol TransactionalMessageHandler: Sendable {
    /// Handles one message exactly once (see the type's requirements).
    ///
    /// - Parameters:
    ///   - message: The message.
    ///   - checkpoint: The name of the checkpoint to advance.
    ///   - position: The position to save it at.
    /// - Returns: Whether the handler ran.
    /// - Throws: The handler's error (nothing committed), or a storage error.
    func handle(_ message: ReceivedMessage, checkpoint: String, position: GlobalPosition) async throws -> InboxOutcome
}
