internal import Foundation

extension EventBus {
    /// Delivers a dead letter again, to its group only: the message goes into the
    /// group's redelivery stream (`$redeliver-<group>`), which the group's members
    /// read before their topics, and the dead letter is removed. The handler gets
    /// the original message (id, stream, position, payload) with
    /// ``ReceivedMessage/isRedelivery`` set; if it fails again, it is retried and
    /// dead-lettered again by the group's policy.
    ///
    /// ```swift
    /// for letter in try await bus.deadLetters.deadLetters(consumer: "payments", limit: 100) {
    ///     try await bus.retryDeadLetter(letter)
    /// }
    /// ```
    ///
    /// - Parameter letter: A dead letter of a consumer group.
    /// - Returns: The position of the redelivery in the log, or `nil` when the
    ///   dead letter was gone already (retried or purged meanwhile).
    /// - Throws: ``EventStoreError``: `invalidArgument` when the message is no longer in
    ///   the log at its position; a storage error.
    @discardableResult
    public func retryDeadLetter(_ letter: DeadLetter) async throws -> GlobalPosition? {
        guard try await deadLetters.deadLetter(id: letter.id) != nil else { return nil }
        guard let original = try await store.readAll(from: letter.position, limit: 1).first,
            original.position == letter.position, original.id == letter.eventId
        else {
            throw EventStoreError(
                code: .invalidArgument,
                message: "dead letter \(letter.id): message \(letter.eventId.chronicleString) is no longer at position "
                    + "\(letter.position.rawValue) of the log")
        }
        var metadata = original.metadata
        metadata.headers[MessageHeaders.redeliveryOf] = original.id.chronicleString
        metadata.headers[MessageHeaders.redeliveryStream] = original.stream.description
        metadata.headers[MessageHeaders.redeliveryPosition] = String(original.position.rawValue)
        metadata.headers[MessageHeaders.redeliveryRecordedAt] = MessageHeaders.text(original.recordedAt)
        metadata.headers[MessageHeaders.redeliveryVersion] = String(original.version)
        let redelivery = NewEvent(
            type: original.type, schemaVersion: original.schemaVersion, data: original.data, metadata: metadata)
        let result = try await store.append(
            [redelivery], to: try BusCategories.redeliveryStream(group: letter.consumer), expecting: .any)
        try await deadLetters.remove(id: letter.id)
        return result.positions?.upperBound
    }

    /// Rebuilds the original message from a redelivery record of `$redeliver-<group>`.
    ///
    /// - Parameter record: A record of a redelivery stream.
    /// - Returns: The original message's record, or `nil` when `record` is not a redelivery.
    package static func original(ofRedelivery record: EventRecord) -> EventRecord? {
        let headers = record.metadata.headers
        guard let id = headers[MessageHeaders.redeliveryOf].flatMap(UUID.init(uuidString:)),
            let stream = headers[MessageHeaders.redeliveryStream].flatMap({ try? StreamName($0) }),
            let position = headers[MessageHeaders.redeliveryPosition].flatMap(Int64.init)
        else { return nil }
        var metadata = record.metadata
        for key in [
            MessageHeaders.redeliveryOf, MessageHeaders.redeliveryStream, MessageHeaders.redeliveryPosition,
            MessageHeaders.redeliveryRecordedAt, MessageHeaders.redeliveryVersion,
        ] {
            metadata.headers[key] = nil
        }
        return EventRecord(
            position: GlobalPosition(position), stream: stream,
            version: headers[MessageHeaders.redeliveryVersion].flatMap(Int64.init) ?? 1, id: id, type: record.type,
            schemaVersion: record.schemaVersion, data: record.data, metadata: metadata,
            recordedAt: MessageHeaders.date(MessageHeaders.redeliveryRecordedAt, in: record.metadata) ?? record.recordedAt)
    }
}
