internal import Foundation

extension EventBus {
    /// The delayed messages not yet published, earliest due first.
    ///
    /// Reads the scheduled entries above the scheduler's checkpoint (those below
    /// it are published) and leaves out the ones whose id is already in their
    /// target stream. For the CLI and status pages; it reads the log from the
    /// checkpoint, so it costs in proportion to what is scheduled.
    ///
    /// ```swift
    /// for message in try await bus.scheduledMessages(limit: 20) {
    ///     print(message.deliverAt, message.type, message.stream)
    /// }
    /// ```
    ///
    /// - Parameter limit: The most messages to return (at least 1).
    /// - Returns: Up to `limit` pending messages by due time, then position.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` for a limit below 1;
    ///   the store's errors.
    public func scheduledMessages(limit: Int) async throws -> [ScheduledMessage] {
        if limit < 1 { throw EventStoreError.invalidArgument("a limit must be at least 1, got \(limit)") }
        let checkpoint = try await checkpoints.checkpoint(named: Self.schedulerCheckpoint)?.position ?? .none
        let complete = try await store.completePosition()
        var entries: [ScheduledEntry] = []
        var next = checkpoint.next
        while next <= complete {
            let page = try await store.readAll(
                from: next, limit: 512, filter: EventFilter(categories: [BusCategories.scheduled]))
            entries += page.lazy.filter { $0.position <= complete }.compactMap(ScheduledEntry.init)
            guard page.count == 512, let last = page.last, last.position < complete else { break }
            next = last.position.next
        }
        guard let first = entries.first else { return [] }
        // A message is published after its entry: one pass over the target streams
        // from the oldest entry finds the ids already published.
        var published: Set<UUID> = []
        let targets = EventFilter(streams: Set(entries.map(\.target)))
        next = first.record.position
        while true {
            let page = try await store.readAll(from: next, limit: 512, filter: targets)
            published.formUnion(page.map(\.id))
            guard page.count == 512, let last = page.last else { break }
            next = last.position.next
        }
        return entries.filter { !published.contains($0.id) }
            .sorted(by: ScheduledEntry.dueOrder)
            .prefix(limit)
            .map(\.summary)
    }
}
