/// How often a projection's handler takes effect per event.
///
/// ```swift
/// if runnable.guarantee == .exactlyOnce { print("read model and checkpoint commit together") }
/// ```
public enum DeliveryGuarantee: String, Hashable, Sendable, Codable {
    /// The handler's writes and the checkpoint commit in one transaction.
    case exactlyOnce = "exactly-once"
    /// The checkpoint is saved after the handler: a crash may deliver again.
    case atLeastOnce = "at-least-once"
    /// Acknowledged before it is handled: a crash or a failing handler loses the
    /// message, which is never delivered again (bus consumers that ask for it:
    /// metrics, logs).
    case atMostOnce = "at-most-once"
}
