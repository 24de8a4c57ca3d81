public import Foundation

/// How far a named consumer (a projection, a bus consumer group) has read the global log.
///
/// ```swift
/// if let checkpoint = try await checkpoints.checkpoint(named: "order-summary") {
///     print(checkpoint.position, checkpoint.updatedAt)
/// }
/// ```
public struct Checkpoint: Hashable, Sendable {
    /// The consumer's stable name.
    public let name: String
    /// Every event up to this position has been processed.
    public let position: GlobalPosition
    /// When the checkpoint was last saved.
    public let updatedAt: Date

    /// Creates a checkpoint value.
    ///
    /// - Parameters:
    ///   - name: The consumer's name.
    ///   - position: The last processed position.
    ///   - updatedAt: When it was saved.
    public init(name: String, position: GlobalPosition, updatedAt: Date) {
        self.name = name
        self.position = position
        self.updatedAt = updatedAt
    }
}
