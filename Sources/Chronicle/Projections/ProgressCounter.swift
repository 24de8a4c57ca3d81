/// Counts the events a catch-up or rebuild has gone through, batch by batch,
/// for ``RebuildProgress``: the events up to the starting checkpoint once, then
/// the range each batch covered. A dense store subtracts positions; a store
/// whose positions may skip numbers counts, one batch's range at a time, so a
/// long rebuild never re-counts the log from the start.
actor ProgressCounter {
    private var done: Int64?
    private var reached = GlobalPosition.none

    /// Adds the events after `previous` up to `position`.
    ///
    /// - Parameters:
    ///   - previous: The checkpoint before the batch.
    ///   - position: The checkpoint after it.
    ///   - store: The log, which counts.
    /// - Returns: The events done so far.
    /// - Throws: A store error.
    func advance(from previous: GlobalPosition, to position: GlobalPosition, store: any EventStore) async throws
        -> Int64
    {
        if done == nil {
            done = try await store.eventCount(after: .none, through: previous)
            reached = previous
        }
        if position > reached {
            done! += try await store.eventCount(after: reached, through: position)
            reached = position
        }
        return done!
    }
}
