internal import Foundation

extension EventTypeRegistry {
    /// Decodes stored events in order, spreading a large batch over the machine's cores.
    ///
    /// The result is exactly what decoding each record with ``decode(_:)`` in turn
    /// gives; batches of a few hundred events or more are split into one chunk
    /// per core, decoded by child tasks, and put back in order. Use it to replay
    /// a page of the log.
    ///
    /// ```swift
    /// let page = try await store.readAll(from: next, limit: 1_000)
    /// for event in try await registry.decode(page) {
    ///     if let paid = event as? OrderPaid { total += paid.amount }
    /// }
    /// ```
    ///
    /// - Parameter records: Events read from a store.
    /// - Returns: The typed events, in the same order.
    /// - Throws: The ``EventCodingError`` of the first record, in order, that
    ///   cannot be decoded (as ``decode(_:)`` throws it).
    public func decode(_ records: [EventRecord]) async throws -> [any DomainEvent] {
        try await decodeResults(records) { _ in true }.map { try $0!.get() }
    }

    /// The smallest chunk worth a task of its own.
    static let minimumParallelChunk = 128

    /// The cores to spread over, read once (Foundation reads cgroup files on Linux for it on every call).
    static let processorCount = ProcessInfo.processInfo.activeProcessorCount

    /// Each record's decoding outcome, in order (`nil` where `include` says to
    /// skip it); large batches are decoded by several child tasks.
    func decodeResults(
        _ records: [EventRecord], including include: @escaping @Sendable (EventRecord) -> Bool
    ) async -> [Result<any DomainEvent, any Error>?] {
        if records.isEmpty { return [] }
        let chunks = min(Self.processorCount, records.count / Self.minimumParallelChunk)
        if chunks < 2 { return decodeChunk(records[...], including: include) }
        let size = (records.count + chunks - 1) / chunks
        return await withTaskGroup(of: (Int, [Result<any DomainEvent, any Error>?]).self) { group in
            for chunk in 1..<chunks {
                let slice = records[(chunk * size)..<min(records.count, (chunk + 1) * size)]
                group.addTask { (chunk, self.decodeChunk(slice, including: include)) }
            }
            var parts = [[Result<any DomainEvent, any Error>?]](repeating: [], count: chunks)
            parts[0] = decodeChunk(records[0..<size], including: include)
            for await (chunk, part) in group { parts[chunk] = part }
            return parts.flatMap { $0 }
        }
    }

    private func decodeChunk(
        _ records: ArraySlice<EventRecord>, including include: (EventRecord) -> Bool
    ) -> [Result<any DomainEvent, any Error>?] {
        records.map { record in include(record) ? Result { try decode(record) } : nil }
    }
}
