/// A store that copies itself, consistently, while it is in use: what
/// `chronicle backup` calls.
///
/// ## Implementation requirements
///
/// - The copy is one consistent state of the store (every event, stream,
///   version, checkpoint and dead letter as of one moment), even while other
///   connections or processes append meanwhile; writers are not stopped.
/// - The copy is self-contained: a store opened from it alone holds everything.
/// - An existing destination is never overwritten: the call throws
///   ``EventStoreError`` (`invalidArgument`) and changes nothing.
/// - The store itself is only read.
///
/// ```swift
/// if let backingUp = store as? any StoreBackingUp {
///     let backup = try await backingUp.backup(to: "backups/bank-2026-12-04.sqlite")
///     print(backup.eventCount, backup.size)
/// }
/// ```
public protocol StoreBackingUp: Sendable {
    /// Copies the store to a new destination.
    ///
    /// ```swift
    /// let backup = try await backingUp.backup(to: "bank-copy.sqlite")
    /// ```
    ///
    /// - Parameter destination: Where the copy goes, in the backend's terms
    ///   (SQLite: a file path that does not exist yet).
    /// - Returns: What was copied.
    /// - Throws: ``EventStoreError``: `invalidArgument` when the destination
    ///   exists, `storageUnavailable` when it cannot be written, or a storage
    ///   failure reading the store.
    func backup(to destination: String) async throws -> StoreBackup
}
