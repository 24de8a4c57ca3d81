/// Whether opening a store may create it, and whether it may write.
///
/// ```swift
/// let opened = try await backend.open(location, access: .existing)
/// ```
public enum StoreAccess: Hashable, Sendable {
    /// The store must exist; a missing store is an error and is not created.
    case existing
    /// A missing store is created (tools do this only for `init` and `append`).
    case createIfMissing
    /// The store must exist and is only read: it is not created, migrated or
    /// written, and (SQLite) a cleanly closed store file and its directory are
    /// left exactly as they were. Writes through it fail. A store that needs
    /// migrating is refused (``EventStoreError/schemaTooOld``).
    case readOnly
}
