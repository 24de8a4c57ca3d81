/// Whether opening a store may create it.
///
/// ```swift
/// let opened = try await backend.open(location, access: .existing)
/// ```
public enum StoreAccess: Hashable, Sendable {
    /// The store must exist; a missing store is an error and is not created.
    case existing
    /// A missing store is created (tools do this only for `init` and `append`).
    case createIfMissing
}
