internal import Foundation

/// A scheduled entry (`$scheduled-<message id>`) read back: the message to publish,
/// where and when.
struct ScheduledEntry: Sendable {
    /// The entry as stored.
    let record: EventRecord
    /// The message id to publish with.
    let id: UUID
    /// The target stream.
    let target: StreamName
    /// When it is due.
    let due: Date

    /// Reads an entry; `nil` when the record lacks or garbles the scheduler's headers.
    init?(_ record: EventRecord) {
        let headers = record.metadata.headers
        guard let due = MessageHeaders.date(MessageHeaders.deliverAt, in: record.metadata),
            let target = headers[MessageHeaders.scheduledStream].flatMap({ try? StreamName($0) }),
            let id = headers[MessageHeaders.scheduledId].flatMap(UUID.init(uuidString:))
        else { return nil }
        self.record = record
        self.id = id
        self.target = target
        self.due = due
    }

    /// The message as published when due: the original id, type, schema version
    /// and data; the metadata without the scheduler's own headers (the
    /// `chronicle.deliver-at` and `chronicle.expires-at` headers stay).
    var message: NewEvent {
        var metadata = record.metadata
        metadata.headers[MessageHeaders.scheduledStream] = nil
        metadata.headers[MessageHeaders.scheduledId] = nil
        return NewEvent(
            id: id, type: record.type, schemaVersion: record.schemaVersion, data: record.data, metadata: metadata)
    }

    var summary: ScheduledMessage {
        ScheduledMessage(id: id, stream: target, type: record.type, deliverAt: due, position: record.position)
    }

    /// Due order: by due time, then by position.
    static func dueOrder(_ lhs: ScheduledEntry, _ rhs: ScheduledEntry) -> Bool {
        lhs.due != rhs.due ? lhs.due < rhs.due : lhs.record.position < rhs.record.position
    }
}
