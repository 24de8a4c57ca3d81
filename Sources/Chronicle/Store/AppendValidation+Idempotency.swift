@_spi(Implementing) extension AppendValidation {
    /// Where an event id is already stored.
    public struct StoredPlace: Hashable, Sendable {
        /// Its stream.
        public let stream: StreamName
        /// Its version in the stream.
        public let version: Int64
        /// Its global position.
        public let position: GlobalPosition

        /// Creates a place.
        ///
        /// - Parameters:
        ///   - stream: The stream.
        ///   - version: The version.
        ///   - position: The position.
        public init(stream: StreamName, version: Int64, position: GlobalPosition) {
            self.stream = stream
            self.version = version
            self.position = position
        }
    }

    /// Decides what a part whose ids may already be stored does.
    ///
    /// Returns `nil` when none of the ids is stored (append normally). When all
    /// of them are stored, in order, at consecutive versions of the same stream,
    /// right after a version the part's expectation allows, the append is a retry
    /// of one that succeeded: the original result is returned. Anything else is
    /// a duplicate.
    ///
    /// ```swift
    /// if let original = try AppendValidation.idempotentResult(for: part, stored: places) {
    ///     return original
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - part: The part being appended.
    ///   - stored: For each of its events, in order, where that id is stored (or `nil`).
    /// - Returns: The original result, or `nil` to append normally.
    /// - Throws: ``EventStoreError/duplicateEvent`` naming the first stored id.
    public static func idempotentResult(for part: StreamAppend, stored: [StoredPlace?]) throws -> AppendResult? {
        guard let firstIndex = stored.firstIndex(where: { $0 != nil }) else { return nil }
        let duplicate = EventStoreError.duplicateEvent(id: part.events[firstIndex].id, stream: part.stream)
        guard firstIndex == 0, let first = stored[0] else { throw duplicate }
        for (offset, place) in stored.enumerated() {
            guard let place, place.stream == part.stream, place.version == first.version + Int64(offset)
            else { throw duplicate }
        }
        let before = first.version - 1
        guard part.expectedVersion.isSatisfied(by: before) || part.expectedVersion == .any else { throw duplicate }
        let last = stored[stored.count - 1]!
        return AppendResult(
            stream: part.stream, version: last.version, versions: first.version...last.version,
            positions: first.position...last.position)
    }
}
