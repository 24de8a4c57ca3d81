/// What an import did: see ``EventStoreImporting/importEvents(_:positions:)``.
///
/// ```swift
/// let result = try await store.importEvents(batch, positions: .keep)
/// print("\(result.imported) imported, \(result.skipped) already present")
/// ```
public struct ImportResult: Hashable, Sendable {
    /// How many events were written.
    public let imported: Int
    /// How many events were already stored at the same place and were skipped.
    public let skipped: Int
    /// The positions the written events got; `nil` when none was written.
    public let positions: ClosedRange<GlobalPosition>?

    /// Creates a result; stores build these.
    ///
    /// - Parameters:
    ///   - imported: The number of events written.
    ///   - skipped: The number of events already present.
    ///   - positions: The positions of the written events.
    public init(imported: Int, skipped: Int, positions: ClosedRange<GlobalPosition>?) {
        self.imported = imported
        self.skipped = skipped
        self.positions = positions
    }
}
