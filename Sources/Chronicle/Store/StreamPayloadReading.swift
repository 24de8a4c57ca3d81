package import Foundation

/// A store that hands replays the few fields of each event they need, straight
/// from its read buffers, without building an ``EventRecord`` per event.
///
/// ``AggregateRepository`` replays through it when its store has it (the SQLite
/// store does): a replay needs an event's version, type, schema version and
/// payload, not its metadata, id, time or position, and reading those is most
/// of the cost of a row. Other stores are replayed through
/// ``EventStore/readStream(_:from:direction:limit:)``.
package protocol StreamPayloadReading: EventStore {
    /// Reads up to `limit` events of `stream` from `version` on, in order, and
    /// returns what `body` makes of each.
    ///
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: The first version to read (at least 1).
    ///   - limit: The most events to read (at least 1).
    ///   - body: Called once per event, in order, on the thread that reads.
    /// - Returns: `body`'s results, in stream order.
    /// - Throws: As ``EventStore/readStream(_:from:direction:limit:)``.
    func readStreamPayloads<T>(
        _ stream: StreamName, from version: Int64, limit: Int, _ body: (StoredPayload) -> T
    ) async throws -> [T]
}

/// The fields of a stored event a replay needs.
package struct StoredPayload {
    /// The event's version in its stream.
    package let version: Int64
    /// The stored type name.
    package let type: String
    /// The payload's schema version.
    package let schemaVersion: Int
    /// The payload.
    package let data: Data

    package init(version: Int64, type: String, schemaVersion: Int, data: Data) {
        self.version = version
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
    }
}
