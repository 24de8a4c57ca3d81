internal import Foundation

extension EventBus {
    /// Publishes a request and waits for its reply.
    ///
    /// The request carries a correlation id (the message's own, or a new one
    /// when it has none) and the header `chronicle.reply-to` naming the reply
    /// stream `$reply-<correlation id>`; the responder answers with
    /// ``reply(to:with:)-(ReceivedMessage,NewEvent)``. The answer is the first message
    /// appended to the reply stream after the request whose causation id is the
    /// request's id (or that names no cause), so requests that share a
    /// correlation id do not take each other's replies. Waiting follows the
    /// store's appends (no polling loop, no blocked thread) until `timeout`.
    ///
    /// ```swift
    /// let answer = try await bus.request(
    ///     NewEvent(type: "CheckStock", data: json), to: "stock", key: sku, timeout: .seconds(2))
    /// let level = try decoder.decode(StockLevel.self, from: answer.data)
    /// ```
    ///
    /// - Parameters:
    ///   - message: The request; its id is the message id.
    ///   - topic: The topic the responder consumes.
    ///   - key: The stream id within the topic; a new id when `nil`.
    ///   - timeout: How long to wait for the reply (positive).
    /// - Returns: The reply as stored in the reply stream.
    /// - Throws: ``BusError`` with code ``BusError/Code/requestTimedOut`` when no
    ///   reply comes in time (naming the topic, type and timeout);
    ///   ``EventStoreError`` with code `invalidArgument` for a timeout that is not
    ///   positive, or as ``publish(_:to:key:deliverAt:timeToLive:)``;
    ///   `CancellationError` when the task is cancelled.
    public func request(
        _ message: NewEvent, to topic: Topic, key: String? = nil, timeout: Duration
    ) async throws -> EventRecord {
        if timeout <= .zero {
            throw EventStoreError.invalidArgument("a request's timeout must be positive, got \(timeout)")
        }
        var request = message
        let correlation = request.metadata.correlationId ?? UUID.chronicleRandom().chronicleString
        request.metadata.correlationId = correlation
        let replies = try StreamName(category: BusCategories.replies, id: correlation)
        request.metadata.headers[MessageHeaders.replyTo] = replies.description
        // Replies already in the stream (an earlier request of the conversation) are not this one's.
        let before = try await store.streamVersion(replies)
        try await publish(request, to: topic, key: key)

        let store = store
        let requestId = request.id.chronicleString
        let type = request.type
        return try await withThrowingTaskGroup(of: EventRecord.self) { group in
            group.addTask {
                var seen = before
                while true {
                    let complete = try await store.completePosition()
                    let page = try await store.readStream(replies, from: seen + 1, direction: .forward, limit: 64)
                    if let reply = page.first(where: { $0.metadata.causationId.map { $0 == requestId } ?? true }) {
                        return reply
                    }
                    if let last = page.last {
                        seen = last.version
                        continue
                    }
                    try await store.waitForAppends(after: complete)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BusError(
                    code: .requestTimedOut,
                    message: "no reply to '\(type)' (id \(requestId)) published to topic '\(topic)' "
                        + "within \(timeout) (reply stream \(replies))")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Answers a request: appends `reply` to the request's reply stream.
    ///
    /// The reply's correlation id is the request's; its causation id is the
    /// request's id (which is how ``request(_:to:key:timeout:)`` tells its reply
    /// apart). Its own id, type, data and headers are kept.
    ///
    /// ```swift
    /// try await bus.consume(group) { message in
    ///     try await bus.reply(to: message, with: NewEvent(type: "StockLevel", data: json))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - message: The request as received.
    ///   - reply: The answer.
    /// - Returns: The reply's position in the log.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` when the message
    ///   has no valid `chronicle.reply-to` header (nothing is appended); the
    ///   store's errors.
    @discardableResult
    public func reply(to message: ReceivedMessage, with reply: NewEvent) async throws -> GlobalPosition {
        try await self.reply(to: message.record, with: reply)
    }

    /// Answers a request read from the log: appends `reply` to its reply stream.
    ///
    /// ```swift
    /// for try await request in store.events(filter: EventFilter(categories: ["stock"])) {
    ///     try await bus.reply(to: request, with: NewEvent(type: "StockLevel", data: json))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - record: The request as stored.
    ///   - reply: The answer.
    /// - Returns: The reply's position in the log.
    /// - Throws: As ``reply(to:with:)-(ReceivedMessage,NewEvent)``.
    @discardableResult
    public func reply(to record: EventRecord, with reply: NewEvent) async throws -> GlobalPosition {
        guard let text = record.metadata.headers[MessageHeaders.replyTo] else {
            throw EventStoreError.invalidArgument(
                "message \(record.id.chronicleString) ('\(record.type)' in \(record.stream)) has no "
                    + "\(MessageHeaders.replyTo) header: it is not a request")
        }
        guard let stream = try? StreamName(text), stream.category == BusCategories.replies else {
            throw EventStoreError.invalidArgument(
                "message \(record.id.chronicleString) has \(MessageHeaders.replyTo) '\(text)', not a reply stream "
                    + "(\(BusCategories.replies)-<correlation id>)")
        }
        var answer = reply
        answer.metadata.correlationId = record.metadata.correlationId ?? stream.id
        answer.metadata.causationId = record.id.chronicleString
        let result = try await store.append([answer], to: stream, expecting: .any)
        return result.positions?.lowerBound ?? .none
    }
}
