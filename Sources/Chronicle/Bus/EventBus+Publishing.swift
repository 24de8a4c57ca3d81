public import Foundation
internal import CoreMetrics

extension EventBus {
    /// Publishes one message to a topic.
    ///
    /// ```swift
    /// let receipt = try await bus.publish(
    ///     NewEvent(type: "OrderPlaced", data: json, metadata: EventMetadata(correlationId: orderId)),
    ///     to: "orders", key: orderId)
    /// ```
    ///
    /// - Parameters:
    ///   - message: The message; its id is the message id.
    ///   - topic: The topic.
    ///   - key: The stream id within the topic (messages with one key keep their
    ///     order); a new id when `nil`.
    ///   - deliverAt: When it becomes visible to consumers; at once when `nil`.
    ///   - timeToLive: How long it stays deliverable once visible.
    /// - Returns: Where it went.
    /// - Throws: ``EventStoreError``: `invalidArgument` for `$all` or a bad key,
    ///   the store's errors for an invalid or oversized event; nothing is stored then.
    @discardableResult
    public func publish(
        _ message: NewEvent, to topic: Topic, key: String? = nil, deliverAt: Date? = nil, timeToLive: Duration? = nil
    ) async throws -> PublishReceipt {
        try await publish([OutgoingMessage(message, to: topic, key: key, deliverAt: deliverAt, timeToLive: timeToLive)])[0]
    }

    /// Publishes one message to a topic, visible after a delay.
    ///
    /// ```swift
    /// try await bus.publish(timeout, to: "sagas", key: orderId, after: .seconds(30))
    /// ```
    ///
    /// - Parameters:
    ///   - message: The message.
    ///   - topic: The topic.
    ///   - key: The stream id within the topic; a new id when `nil`.
    ///   - delay: How long from now until it becomes visible.
    ///   - timeToLive: How long it stays deliverable once visible.
    /// - Returns: Where it went.
    /// - Throws: As ``publish(_:to:key:deliverAt:timeToLive:)``.
    @discardableResult
    public func publish(
        _ message: NewEvent, to topic: Topic, key: String? = nil, after delay: Duration, timeToLive: Duration? = nil
    ) async throws -> PublishReceipt {
        try await publish(message, to: topic, key: key, deliverAt: Date().addingTimeInterval(delay.seconds),
            timeToLive: timeToLive)
    }

    /// Publishes several messages in one atomic append: all or none are stored.
    ///
    /// ```swift
    /// try await bus.publish(lines.map { OutgoingMessage($0, to: "invoices", key: invoiceId) })
    /// ```
    ///
    /// - Parameter messages: The messages, in order (one key's messages keep it).
    /// - Returns: One receipt per message, in order.
    /// - Throws: As ``publish(_:to:key:deliverAt:timeToLive:)``.
    @discardableResult
    public func publish(_ messages: [OutgoingMessage]) async throws -> [PublishReceipt] {
        if messages.isEmpty { return [] }
        let planned = try Self.plan(messages)
        let results = try await store.append(planned.appends)
        var perTopic: [String: Int64] = [:]
        for message in messages { perTopic[message.topic.name, default: 0] += 1 }
        for (topic, count) in perTopic {
            Counter(label: "chronicle_bus_published_total", dimensions: [("topic", topic)]).increment(by: count)
        }
        return planned.receipts(results)
    }

    /// The appends that publish `messages`, to join another append atomically
    /// (the outbox: an aggregate's events and the messages they publish commit
    /// together).
    ///
    /// ```swift
    /// let parts = [StreamAppend(stream: order, events: events, expecting: .exactly(3))]
    ///     + (try EventBus.appends(publishing: [message]))
    /// try await store.append(parts)
    /// ```
    ///
    /// - Parameter messages: The messages.
    /// - Returns: The stream appends, expecting any version.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` for `$all` or a bad key.
    public static func appends(publishing messages: [OutgoingMessage]) throws -> [StreamAppend] {
        try plan(messages).appends
    }

    struct Plan {
        var appends: [StreamAppend] = []
        /// Per message: the index of its append and its offset within it.
        var places: [(append: Int, offset: Int, id: UUID, stream: StreamName, deliverAt: Date?)] = []

        func receipts(_ results: [AppendResult]) -> [PublishReceipt] {
            places.map { place in
                // One append's events take consecutive positions (one transaction).
                let positions = results[place.append].positions ?? GlobalPosition.none...GlobalPosition.none
                let position = min(positions.lowerBound.rawValue + Int64(place.offset), positions.upperBound.rawValue)
                return PublishReceipt(
                    id: place.id, stream: place.stream, position: GlobalPosition(position), deliverAt: place.deliverAt)
            }
        }
    }

    static func plan(_ messages: [OutgoingMessage]) throws -> Plan {
        var plan = Plan()
        let now = Date()
        for message in messages {
            let target = try message.topic.stream(key: message.key ?? UUID.chronicleTimeOrdered().chronicleString)
            var event = message.event
            if let ttl = message.timeToLive {
                if ttl <= .zero {
                    throw EventStoreError.invalidArgument("a time to live must be positive, got \(ttl)")
                }
                let visible = max(message.deliverAt ?? now, now)
                event.metadata.headers[MessageHeaders.expiresAt] = MessageHeaders.text(
                    visible.addingTimeInterval(ttl.seconds))
            }
            var stream = target
            var deliverAt: Date?
            if let due = message.deliverAt, due > now {
                // Delayed: the message waits in a scheduled entry of its own, under
                // another id; the scheduler publishes it to its stream when due.
                deliverAt = due
                event.metadata.headers[MessageHeaders.deliverAt] = MessageHeaders.text(due)
                event.metadata.headers[MessageHeaders.scheduledStream] = target.description
                event.metadata.headers[MessageHeaders.scheduledId] = message.event.id.chronicleString
                stream = try StreamName(category: BusCategories.scheduled, id: message.event.id.chronicleString)
                event.id = UUID.chronicleTimeOrdered()
            }
            if let last = plan.appends.indices.last, plan.appends[last].stream == stream {
                plan.appends[last].events.append(event)
                plan.places.append((last, plan.appends[last].events.count - 1, message.event.id, target, deliverAt))
            } else {
                plan.appends.append(StreamAppend(stream: stream, events: [event], expecting: .any))
                plan.places.append((plan.appends.count - 1, 0, message.event.id, target, deliverAt))
            }
        }
        return plan
    }
}
