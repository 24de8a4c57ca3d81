/// Where imported events go in the global log: see
/// ``EventStoreImporting/importEvents(_:positions:)``.
///
/// ```swift
/// try await store.importEvents(records, positions: .keep)            // a faithful copy
/// try await store.importEvents(records, positions: .assignAfterHead) // merged after the head
/// ```
public enum ImportPositions: Hashable, Sendable {
    /// Each event keeps its record's position, which must be the store's next
    /// position (head + 1): a copy of a log reproduces it exactly, with no holes.
    case keep
    /// Each event gets the store's next position, whatever its record says.
    case assignAfterHead
}
