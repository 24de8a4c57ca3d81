/// What a member does with each message: call a handler (and save checkpoints
/// itself), or hand it to a transactional inbox (which saves them in its transaction).
enum BusDelivery: Sendable {
    case handler(@Sendable (ReceivedMessage) async throws -> Void)
    case inbox(any TransactionalMessageHandler)

    var savesCheckpoints: Bool {
        if case .inbox = self { return true }
        return false
    }
}
