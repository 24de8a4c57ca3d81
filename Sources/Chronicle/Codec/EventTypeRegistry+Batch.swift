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
        _ records: [EventRecord], including include: @escaping @Sendable (String) -> Bool
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

    /// Decodes records one after another, as ``decode(_:)`` would.
    func decodeChunk(
        _ records: ArraySlice<EventRecord>, including include: @escaping (String) -> Bool
    ) -> [Result<any DomainEvent, any Error>?] {
        var decoder = RunDecoder(registry: self, including: include)
        var results: [Result<any DomainEvent, any Error>?] = []
        results.reserveCapacity(records.count)
        // By index, so that no record is copied (a copy retains the stream name
        // and strings that other decoding tasks share).
        for index in records.indices {
            results.append(
                decoder.decode(
                    type: records[index].type, schemaVersion: records[index].schemaVersion, data: records[index].data,
                    stream: records[index].stream, version: records[index].version))
        }
        return results
    }

    /// Decodes stored payloads one after another, as ``decode(_:)`` would,
    /// looking the registry entry (and whether to include a type) up once per
    /// run of events of one type rather than once per event. (Row readers hand
    /// out one string per type name, so comparing with the last name is mostly
    /// a comparison of identical strings.)
    struct RunDecoder {
        let registry: EventTypeRegistry
        let include: (String) -> Bool
        private var lastName: String?
        /// The last type's Swift type and schema version (a metatype and a
        /// number: copying them retains nothing).
        private var lastType: (type: any DomainEvent.Type, schemaVersion: Int)?
        private var lastIncluded = false

        /// The JSON codec's fast decoder, kept for the run (`nil` for other codecs).
        private let runDecoder: JSONPayloadDecoder?

        init(registry: EventTypeRegistry, including include: @escaping (String) -> Bool) {
            self.registry = registry
            self.include = include
            self.runDecoder = (registry.codec as? JSONEventCodec)?.runDecoder()
        }

        /// The outcome of decoding a stored event; `nil` when `include` leaves its type out.
        mutating func decode(_ record: EventRecord) -> Result<any DomainEvent, any Error>? {
            decode(
                type: record.type, schemaVersion: record.schemaVersion, data: record.data, stream: record.stream,
                version: record.version)
        }

        /// The outcome of decoding one stored event; `nil` when `include` leaves its type out.
        mutating func decode(
            type: String, schemaVersion: Int, data: Data, stream: StreamName, version: Int64
        ) -> Result<any DomainEvent, any Error>? {
            if type != lastName {
                lastName = type
                lastIncluded = include(type)
                lastType = lastIncluded ? registry.entry(named: type).map { ($0.type, $0.schemaVersion) } : nil
            }
            guard lastIncluded else { return nil }
            // No closure and no copies of the registry or of an entry here: a
            // copy retains objects every decoding task shares.
            do {
                if let lastType, lastType.schemaVersion == schemaVersion {
                    return .success(
                        try registry.decodeCurrent(lastType.type, type, schemaVersion, data, runDecoder: runDecoder))
                }
                // Unknown types and old schema versions (upcasting) take the general path.
                return .success(try registry.decode(type: type, schemaVersion: schemaVersion, data: data))
            } catch let error as EventCodingError {
                return .failure(error.at(stream: stream, version: version))
            } catch {
                return .failure(error)
            }
        }
    }
}
