/// What ``StoreBackingUp/backup(to:)`` copied.
///
/// ```swift
/// let backup = StoreBackup(destination: "bank-copy.sqlite", eventCount: 1_204, size: 212_992, schemaVersion: 6)
/// ```
public struct StoreBackup: Hashable, Sendable {
    /// Where the copy is.
    public let destination: String
    /// The number of events in the copy.
    public let eventCount: Int
    /// The copy's size in bytes.
    public let size: Int64
    /// The copy's schema version, when the backend versions its schema.
    public let schemaVersion: Int?

    /// Creates a description of a backup.
    ///
    /// - Parameters:
    ///   - destination: Where the copy is.
    ///   - eventCount: The number of events in it.
    ///   - size: Its size in bytes.
    ///   - schemaVersion: Its schema version, if any.
    public init(destination: String, eventCount: Int, size: Int64, schemaVersion: Int?) {
        self.destination = destination
        self.eventCount = eventCount
        self.size = size
        self.schemaVersion = schemaVersion
    }
}
