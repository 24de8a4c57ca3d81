public import Foundation

/// The checks every store runs on an append before touching storage, shared so
/// that all backends reject the same input with the same error.
///
/// ```swift
/// let prepared = try AppendValidation.prepare(appends, maximumEventSize: 1 << 20)
/// ```
@_spi(Implementing) public enum AppendValidation {
    /// One event ready to store: the event plus its encoded metadata.
    public struct PreparedEvent: Sendable {
        /// The event as given.
        public let event: NewEvent
        /// ``EventMetadata/jsonData()`` of its metadata, encoded once.
        public let metadataBytes: Data
    }

    /// Validates every event of every part and encodes its metadata.
    ///
    /// - Parameters:
    ///   - appends: The parts of one append call.
    ///   - maximumEventSize: The largest data plus metadata, in bytes.
    /// - Returns: The prepared events of each part, in order.
    /// - Throws: ``EventStoreError/invalidEvent``, ``EventStoreError/eventTooLarge``
    ///   or ``EventStoreError/duplicateEvent`` (an id twice in one call).
    public static func prepare(_ appends: [StreamAppend], maximumEventSize: Int) throws -> [[PreparedEvent]] {
        // Ids seen so far; a one-event call (most appends) has nothing to compare.
        var seen = Set<UUID>()
        let checksIds = appends.count > 1 || appends.first.map { $0.events.count > 1 } == true
        // The events of one command share their metadata: encode it once.
        var lastMetadata: (value: EventMetadata, bytes: Data)?
        return try appends.map { part in
            if case .exactly(let version) = part.expectedVersion, version < 0 {
                throw EventStoreError.invalidArgument("expected version \(version) is negative")
            }
            return try part.events.map { event in
                if !isValidTypeName(event.type) {
                    throw EventStoreError(
                        code: .invalidEvent,
                        message: "event \(event.id.chronicleString) has an invalid type name '\(event.type)' "
                            + "(1 to 256 bytes, no control characters)",
                        stream: part.stream, eventId: event.id)
                }
                if event.schemaVersion < 1 {
                    throw EventStoreError(
                        code: .invalidEvent,
                        message: "event \(event.id.chronicleString) has schema version \(event.schemaVersion); versions start at 1",
                        stream: part.stream, eventId: event.id)
                }
                let metadata: Data
                if let last = lastMetadata, last.value == event.metadata {
                    metadata = last.bytes
                } else {
                    metadata = event.metadata.jsonData()
                    lastMetadata = (event.metadata, metadata)
                }
                let size = event.data.count + metadata.count
                if size > maximumEventSize {
                    throw EventStoreError(
                        code: .eventTooLarge,
                        message: "event \(event.id.chronicleString) of type '\(event.type)' is \(size) bytes; "
                            + "the store accepts at most \(maximumEventSize)",
                        stream: part.stream, eventId: event.id)
                }
                if checksIds, !seen.insert(event.id).inserted {
                    throw EventStoreError.duplicateEvent(id: event.id, stream: part.stream)
                }
                return PreparedEvent(event: event, metadataBytes: metadata)
            }
        }
    }

    /// Whether a type name has 1 to 256 UTF-8 bytes and no control characters:
    /// what every append requires of ``NewEvent/type``.
    ///
    /// ```swift
    /// guard AppendValidation.isValidTypeName(type) else { throw usageError }
    /// ```
    ///
    /// - Parameter name: The type name.
    /// - Returns: `true` when a store accepts it.
    public static func isValidTypeName(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count > 0, count <= 256 else { return false }
        // Printable ASCII (most names) has no control characters; check others scalar by scalar.
        if name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return true }
        return !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }

    /// Checks a read limit.
    ///
    /// - Parameter limit: The requested limit.
    /// - Throws: ``EventStoreError/invalidArgument`` when it is below 1.
    public static func checkLimit(_ limit: Int) throws {
        if limit < 1 { throw EventStoreError.invalidArgument("a read limit must be at least 1, got \(limit)") }
    }

    /// The default maximum event size: ``NewEvent/defaultMaximumSize``.
    public static let defaultMaximumEventSize = NewEvent.defaultMaximumSize
}
