internal import Foundation

extension AggregateRepository {
    /// The most events the first read of a replay asks for: a short stream
    /// (most aggregates, and most loads after a snapshot) is one small read.
    static var firstReadLimit: Int { 64 }

    /// Applies the stream's events after `entry.version`, in order.
    ///
    /// The first read takes at most ``firstReadLimit`` events. When the stream
    /// goes on, the rest is read ahead in pages of ``Options/readPageSize`` by
    /// as many child tasks as the machine has cores (up to four), each decoding
    /// the page it read, while this task applies the pages in stream order:
    /// reading rows and decoding payloads, which cost most, use every core. A
    /// read past the end of the stream comes back short and ends the replay.
    /// Errors come out as a page-by-page replay gives them: the first in stream
    /// order.
    func applyTail(to entry: inout AggregateCache<A>.Entry, stream: StreamName) async throws {
        var applier = EventHandlers<A>.Applier(handlers: handlers)
        let firstLimit = min(options.readPageSize, Self.firstReadLimit)
        let first = try await replayPage(stream, from: entry.version + 1, limit: firstLimit)
        try apply(first, to: &entry, stream, &applier)
        if first.count < firstLimit { return }

        let pageSize = options.readPageSize
        let lanes = max(1, min(EventTypeRegistry.processorCount, 4))
        let start = entry.version + 1
        let readPage = { @Sendable (index: Int) async -> Result<[ReplayEvent], any Error> in
            do {
                return .success(
                    try await self.replayPage(stream, from: start + Int64(index) * Int64(pageSize), limit: pageSize))
            } catch {
                return .failure(error)
            }
        }
        try await withThrowingTaskGroup(of: (Int, Result<[ReplayEvent], any Error>).self) { group in
            for index in 0..<lanes { group.addTask { (index, await readPage(index)) } }
            var launched = lanes
            var arrived: [Int: Result<[ReplayEvent], any Error>] = [:]
            var next = 0
            while let (index, page) = try await group.next() {
                arrived[index] = page
                while let page = arrived.removeValue(forKey: next) {
                    next += 1
                    // A full page: the stream may go on, so the next read starts
                    // before this page is applied.
                    let full = (try? page.get().count) == pageSize
                    if full {
                        let index = launched
                        group.addTask { (index, await readPage(index)) }
                        launched += 1
                    }
                    do {
                        try apply(try page.get(), to: &entry, stream, &applier)
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                    if !full {
                        group.cancelAll()
                        return
                    }
                }
            }
        }
    }

    /// One event of a replay: its version and type, and its decoding outcome
    /// (`nil` when no handler takes its type).
    struct ReplayEvent: Sendable {
        let version: Int64
        let type: String
        let decoded: Result<any DomainEvent, any Error>?
    }

    /// Reads and decodes up to `limit` events of `stream` from `version` on:
    /// straight from the store's buffers when it can hand over payloads, else
    /// from the records it reads.
    func replayPage(_ stream: StreamName, from version: Int64, limit: Int) async throws -> [ReplayEvent] {
        let handlers = handlers.handlers
        var decoder = EventTypeRegistry.RunDecoder(registry: registry) { handlers[$0] != nil }
        if let reader = store as? any StreamPayloadReading {
            return try await reader.readStreamPayloads(stream, from: version, limit: limit) { payload in
                ReplayEvent(
                    version: payload.version, type: payload.type,
                    decoded: decoder.decode(
                        type: payload.type, schemaVersion: payload.schemaVersion, data: payload.data, stream: stream,
                        version: payload.version))
            }
        }
        let records = try await store.readStream(stream, from: version, direction: .forward, limit: limit)
        return records.map { record in
            ReplayEvent(version: record.version, type: record.type, decoded: decoder.decode(record))
        }
    }

    /// Applies a page's events in order, checking that versions follow on.
    private func apply(
        _ events: [ReplayEvent], to entry: inout AggregateCache<A>.Entry, _ stream: StreamName,
        _ applier: inout EventHandlers<A>.Applier
    ) throws {
        for event in events {
            guard event.version == entry.version + 1 else {
                throw EventStoreError(
                    code: .corruptRecord,
                    message: "stream '\(stream)' returned version \(event.version) after \(entry.version)",
                    stream: stream)
            }
            try applier.apply(
                type: event.type, stream: stream, version: event.version, decoded: event.decoded, to: &entry.state)
            entry.version = event.version
        }
    }
}
