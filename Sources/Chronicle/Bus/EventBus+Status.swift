internal import Foundation

extension EventBus {
    /// The storage-side status of one consumer group: per partition its owner,
    /// lease expiry, checkpoints, lag in messages and seconds; its members and dead letters.
    ///
    /// Read from checkpoints, leases and dead letters only, so another process
    /// (the CLI) sees what the running members do. Lag counts the partition's
    /// messages after each lane's checkpoint up to the store's complete
    /// position, reading those messages (a large backlog takes a while to count).
    ///
    /// ```swift
    /// if let status = try await bus.status(group: "payments") { print(status.lag, status.deadLetters) }
    /// ```
    ///
    /// - Parameter group: The group's name.
    /// - Returns: Its status, or `nil` when the group has no checkpoints and no leases.
    /// - Throws: ``EventStoreError`` (`invalidArgument` for a bad group name; storage errors).
    public func status(group: String) async throws -> ConsumerGroupStatus? {
        try ConsumerGroup.validate(name: group)
        let checkpoints = try await checkpoints.checkpoints()
        let leases = try await leases.leases()
        return try await status(of: group, checkpoints: checkpoints, leases: leases)
    }

    /// The status of every consumer group that has checkpoints or leases, by name.
    ///
    /// ```swift
    /// for group in try await bus.groups() { print(group.name, group.lag, group.members.count) }
    /// ```
    ///
    /// - Returns: The groups' statuses.
    /// - Throws: ``EventStoreError`` on a storage error.
    public func groups() async throws -> [ConsumerGroupStatus] {
        let checkpoints = try await checkpoints.checkpoints()
        let leases = try await leases.leases()
        var names = Set(checkpoints.compactMap { BusNames.parseCheckpoint($0.name)?.group })
        for lease in leases where lease.name.hasPrefix(BusNames.prefix) {
            let rest = lease.name.dropFirst(BusNames.prefix.count)
            if let hash = rest.firstIndex(of: "#") { names.insert(String(rest[..<hash])) }
        }
        var result: [ConsumerGroupStatus] = []
        for name in names.sorted() {
            if let status = try await status(of: name, checkpoints: checkpoints, leases: leases) { result.append(status) }
        }
        return result
    }

    private func status(of group: String, checkpoints: [Checkpoint], leases: [Lease]) async throws -> ConsumerGroupStatus? {
        let parsed = checkpoints.compactMap { checkpoint in
            BusNames.parseCheckpoint(checkpoint.name).flatMap { $0.group == group ? ($0, checkpoint.position) : nil }
        }
        let memberPrefix = BusNames.memberLease(group: group, member: "")
        let members = leases.filter { $0.name.hasPrefix(memberPrefix) }.map {
            ConsumerGroupStatus.Member(id: String($0.name.dropFirst(memberPrefix.count)), expiresAt: $0.expiresAt)
        }
        let partitionPrefix = "\(BusNames.prefix)\(group)#p"
        let partitionLeases = leases.filter { $0.name.hasPrefix(partitionPrefix) }
        var count = Dictionary(grouping: parsed, by: { $0.0.count }).max { $0.value.count < $1.value.count }?.key ?? 0
        if count == 0, let lease = partitionLeases.first, let of = lease.name.range(of: "of", options: .backwards) {
            count = Int(lease.name[of.upperBound...]) ?? 0
        }
        if parsed.isEmpty, members.isEmpty, partitionLeases.isEmpty { return nil }
        var byName: [String: Lease] = [:]
        for lease in leases { byName[lease.name] = lease }
        let topics = Set(parsed.map(\.0.topic)).sorted()
        var positions = Array(repeating: [String: GlobalPosition](), count: count)
        for (name, position) in parsed where name.count == count && name.partition < count {
            positions[name.partition][name.topic] = position
        }
        var lag = Array(repeating: Int64(0), count: count)
        var oldest = Array(repeating: Date?.none, count: count)
        if count > 0 {
            let complete = try await store.completePosition()
            for topic in topics {
                try await countWaiting(
                    group: group, topic: topic, positions: positions, through: complete, lag: &lag, oldest: &oldest)
            }
        }
        let now = Date()
        let partitions = (0..<count).map { partition in
            let lease = byName[BusNames.partitionLease(group: group, partition: partition, of: count)]
            return ConsumerGroupStatus.Partition(
                partition: partition, owner: lease?.owner, leaseExpiresAt: lease?.expiresAt,
                checkpoints: positions[partition], lag: lag[partition],
                lagSeconds: oldest[partition].map { max(0, now.timeIntervalSince($0)) } ?? 0)
        }
        return ConsumerGroupStatus(
            name: group, partitionCount: count, topics: topics, partitions: partitions, members: members,
            deadLetters: try await deadLetters.count(consumer: group))
    }

    /// Counts each partition's messages of one lane after its checkpoint.
    private func countWaiting(
        group: String, topic: String, positions: [[String: GlobalPosition]], through complete: GlobalPosition,
        lag: inout [Int64], oldest: inout [Date?]
    ) async throws {
        let count = positions.count
        let lanePositions = positions.map { $0[topic] ?? .none }
        let isRedelivery = topic == BusCategories.redelivery
        let source: Topic? = isRedelivery ? nil : try? Topic(topic)
        if !isRedelivery, source == nil { return }
        let filter = isRedelivery ? EventFilter(streams: [try BusCategories.redeliveryStream(group: group)]) : source!.filter
        var next = (lanePositions.min() ?? .none).next
        while next <= complete {
            let page = try await store.readAll(from: next, limit: 1_000, filter: filter)
            for record in page where record.position <= complete {
                let message = isRedelivery ? EventBus.original(ofRedelivery: record) : record
                guard let message, isRedelivery || source!.contains(record.stream) else { continue }
                let partition = MessagePartitioning.partition(of: message.stream, count: count)
                guard record.position > lanePositions[partition] else { continue }
                lag[partition] += 1
                if oldest[partition].map({ message.recordedAt < $0 }) ?? true { oldest[partition] = message.recordedAt }
            }
            guard page.count == 1_000, let last = page.last, last.position < complete else { break }
            next = last.position.next
        }
    }
}
