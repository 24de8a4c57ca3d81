/// One lane of one partition: a topic (or the group's redelivery stream), its
/// checkpoint, how far the log has been read for it and the page read but not yet handled.
struct PartitionLane: Sendable {
    /// A message waiting in the lane: its position in the lane (the checkpoint
    /// moves to it) and the record delivered (for a redelivery, the original).
    struct Pending: Sendable {
        let position: GlobalPosition
        let record: EventRecord
    }

    /// The topic written in the checkpoint name (`$redeliver` for redeliveries).
    let topic: String
    /// The topic read, or `nil` for the redelivery lane.
    let source: Topic?
    let filter: EventFilter
    let priority: Int
    let checkpoint: String
    /// The position stored in the checkpoint.
    var saved: GlobalPosition
    /// Every message of the partition at or below it is done.
    var handled: GlobalPosition
    /// The log has been read up to here for this lane.
    var read: GlobalPosition
    var pending: [Pending] = []
    var next = 0
    /// Messages done since the last save.
    var unsaved = 0
    /// The first message after the checkpoint may carry attempts of an earlier owner.
    var looksUpAttempts = true

    var isRedelivery: Bool { source == nil }
    var hasPending: Bool { next < pending.count }
    var waiting: Int { pending.count - next }

    /// The lanes of a partition, highest priority first, the redelivery lane before all.
    static func lanes(of group: ConsumerGroup, partition: Int, checkpoints: [String: GlobalPosition]) throws -> [Self] {
        let redelivery = try BusCategories.redeliveryStream(group: group.name)
        var lanes: [Self] = []
        let redeliveryName = BusNames.checkpoint(
            group: group.name, topic: BusCategories.redelivery, partition: partition, of: group.partitions)
        let start = checkpoints[redeliveryName] ?? .none
        lanes.append(
            Self(
                topic: BusCategories.redelivery, source: nil, filter: EventFilter(streams: [redelivery]),
                priority: .max, checkpoint: redeliveryName, saved: start, handled: start, read: start))
        for subscription in group.subscriptions.sorted(by: { $0.priority > $1.priority }) {
            let name = BusNames.checkpoint(
                group: group.name, topic: subscription.topic.name, partition: partition, of: group.partitions)
            let start = checkpoints[name] ?? .none
            var filter = subscription.topic.filter
            filter.eventTypes = group.messageTypes
            lanes.append(
                Self(
                    topic: subscription.topic.name, source: subscription.topic, filter: filter,
                    priority: subscription.priority, checkpoint: name, saved: start, handled: start, read: start))
        }
        return lanes
    }

    /// Takes a page of the log read from `read.next`, keeping this partition's messages.
    ///
    /// - Parameters:
    ///   - page: Records at or below the complete position.
    ///   - through: How far the log is now read for this lane.
    mutating func take(_ page: some Sequence<EventRecord>, through: GlobalPosition, partition: Int, of count: Int) {
        pending.removeAll(keepingCapacity: true)
        next = 0
        for record in page {
            if let source {
                guard source.contains(record.stream),
                    MessagePartitioning.partition(of: record.stream, count: count) == partition
                else { continue }
                pending.append(Pending(position: record.position, record: record))
            } else {
                guard let original = EventBus.original(ofRedelivery: record),
                    MessagePartitioning.partition(of: original.stream, count: count) == partition
                else { continue }
                pending.append(Pending(position: record.position, record: original))
            }
        }
        read = through
        if pending.isEmpty { handled = max(handled, through) }
    }

    /// Marks the next message done.
    mutating func finishNext() {
        handled = pending[next].position
        next += 1
        unsaved += 1
        looksUpAttempts = false
        if next == pending.count {
            handled = read
            pending.removeAll(keepingCapacity: true)
            next = 0
        }
    }
}
