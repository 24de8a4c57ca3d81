import Chronicle
import Foundation
import Testing

/// The bus's process scenarios, run by ``BusProcessTests`` on SQLite and by
/// ``BusPostgresProcessTests`` on PostgreSQL: two `chronicle bus consume`
/// processes in one group on the store at `location`, published to in-process
/// through `bus`.
struct BusProcessScenarios {
    let location: String
    let bus: EventBus
    let group = "billing"
    static let partitions = 8
    /// The consume processes' lease, in seconds: short, so a killed member's partitions
    /// move on soon, and five renewals long, so that a process the loaded machine
    /// leaves unscheduled for a few seconds keeps them (3 s lost a lease under a full
    /// parallel suite on a loaded 2-core machine).
    static let lease = 5

    /// Keys whose streams cover every partition, `perKey` messages each.
    static func keys(_ count: Int) -> [String] { (0..<count).map { "k\($0)" } }

    /// `keys.count * perKey` messages, round-robin over the keys, in one append.
    func publish(keys: [String], perKey: Int, padding: Int = 0) async throws -> [PublishReceipt] {
        let pad = String(repeating: "x", count: padding)
        let messages = (0..<(keys.count * perKey)).map { index in
            OutgoingMessage(
                NewEvent(type: "OrderPlaced", data: Data(#"{"n":\#(index),"pad":"\#(pad)"}"#.utf8)), to: "orders",
                key: keys[index % keys.count])
        }
        return try await bus.publish(messages)
    }

    /// Waits until the members own every partition, a fair share each; returns each member's partitions.
    func waitForFairShare(_ members: [String]) async throws -> [String: Set<Int>] {
        let bus = bus
        let group = group
        let owners = Locked<[String: Set<Int>]>([:])
        try await BusConsumerProcess.waitUntil(seconds: 30, "\(members) share the partitions") {
            guard let status = try await bus.status(group: group) else { return false }
            var byOwner: [String: Set<Int>] = [:]
            for partition in status.partitions {
                guard let owner = partition.owner else { return false }
                byOwner[owner, default: []].insert(partition.partition)
            }
            owners.withLock { $0 = byOwner }
            let share = Self.partitions / members.count
            return Set(byOwner.keys) == Set(members) && byOwner.values.allSatisfy { $0.count == share }
        }
        return owners.withLock { $0 }
    }

    static func partition(_ stream: StreamName) -> Int { MessagePartitioning.partition(of: stream, count: partitions) }

    /// The versions of each stream in the order `records` has them.
    static func versionsByStream(_ records: [EventRecord]) -> [StreamName: [Int64]] {
        var versions: [StreamName: [Int64]] = [:]
        for record in records { versions[record.stream, default: []].append(record.version) }
        return versions
    }

    // MARK: Scenarios

    /// Two members share a topic: the group gets every message once, each stream in order.
    func twoMembersShareATopic() async throws {
        let a = try BusConsumerProcess(member: "a", group: group, store: location)
        let b = try BusConsumerProcess(member: "b", group: group, store: location)
        defer { [a, b].forEach { $0.killIfRunning() } }
        let owners = try await waitForFairShare(["a", "b"])
        let keys = Self.keys(20)
        let receipts = try await publish(keys: keys, perKey: 10)
        let published = Set(receipts.map(\.id))
        try await BusConsumerProcess.waitUntil("both print, all messages printed") {
            let (inA, inB) = (a.records, b.records)
            return !inA.isEmpty && !inB.isEmpty && Set((inA + inB).map(\.id)) == published
        }
        for member in [a, b] {
            let status = await member.interrupt()
            let errors = String(decoding: await member.running.standardError.value, as: UTF8.self)
            #expect(status == 130, "\(member.member): \(errors)")
        }

        let (inA, inB) = (a.records, b.records)
        #expect(a.unreadable.isEmpty && b.unreadable.isEmpty, "\(a.unreadable) \(b.unreadable)")
        #expect(inA.count + inB.count == receipts.count, "no message printed twice: \(inA.count) + \(inB.count)")
        #expect(Set((inA + inB).map(\.id)) == published, "every message printed")
        for (member, records) in [("a", inA), ("b", inB)] {
            let versions = Self.versionsByStream(records)
            #expect(versions.values.allSatisfy { zip($0, $0.dropFirst()).allSatisfy { $0 < $1 } }, "in order per stream in \(member)")
            // Nobody joined or left while the messages were consumed: each member printed its own partitions' streams.
            #expect(records.allSatisfy { owners[member]?.contains(Self.partition($0.stream)) == true })
        }
        #expect(Self.versionsByStream(inA + inB).values.allSatisfy { $0.count == 10 })
    }

    /// One of two members is killed with messages unacknowledged: its partitions
    /// move to the other, which delivers them again, in stream order.
    ///
    /// - Returns: How long after the kill the survivor printed the first message of the dead member's partitions.
    @discardableResult
    func aKilledMembersPartitionsMoveToTheSurvivor() async throws -> Duration {
        // The victim's output is not read: with 4 KB lines it fills its pipe and
        // blocks in the middle of a message, so it dies with work unacknowledged.
        let victim = try BusConsumerProcess(member: "victim", group: group, store: location, reading: false)
        let survivor = try BusConsumerProcess(member: "survivor", group: group, store: location)
        defer { [victim, survivor].forEach { $0.killIfRunning() } }
        let owners = try await waitForFairShare(["victim", "survivor"])
        let victimPartitions = try #require(owners["victim"])
        let keys = Self.keys(20)
        let receipts = try await publish(keys: keys, perKey: 10, padding: 4_096)
        let published = Set(receipts.map(\.id))
        let streamsOfVictim = Set(receipts.map(\.stream).filter { victimPartitions.contains(Self.partition($0)) })
        let victimShare = receipts.filter { streamsOfVictim.contains($0.stream) }.count
        try #require(victimShare * 4_096 > 2 * 65_536, "the victim's share overflows its pipe: \(victimShare)")
        let survivorShare = receipts.count - victimShare
        try await survivor.waitUntil("the survivor prints its own share") { $0.count >= survivorShare }

        // The victim's pipe is full: it is blocked writing a line, its message unacknowledged.
        try await BusConsumerProcess.waitUntil("the victim blocks on its full pipe") {
            victim.running.isBlockedWritingToAPipe()
        }
        let blocked = Date()
        // Blocked on its output, it goes on renewing its leases (the writes are off
        // Swift's cooperative pool): they come to outlast the moment it blocked by more than a lease.
        let bus = bus
        let group = group
        let renewedAfterBlocking = blocked.addingTimeInterval(Double(Self.lease) + 0.5)
        try await BusConsumerProcess.waitUntil(seconds: 30, "the blocked victim renews its leases") {
            guard let status = try await bus.status(group: group) else { return false }
            return status.partitions.filter { victimPartitions.contains($0.partition) }.allSatisfy {
                $0.owner == "victim" && ($0.leaseExpiresAt ?? .distantPast) > renewedAfterBlocking
            }
        }
        #expect(survivor.records.allSatisfy { !streamsOfVictim.contains($0.stream) }, "no takeover while the victim lives")

        victim.running.signal(SIGKILL)
        let killed = ContinuousClock.now
        #expect(await victim.end() == SIGKILL)
        let printedByVictim = victim.records
        #expect(victim.unreadable.count <= 1, "only a line cut short by the kill: \(victim.unreadable.count)")
        #expect(printedByVictim.count < victimShare, "killed with work left: \(printedByVictim.count) of \(victimShare)")

        try await survivor.waitUntil("the survivor prints every message") { Set(($0 + printedByVictim).map(\.id)) == published }
        let status = try #require(try await bus.status(group: group))
        #expect(status.partitions.allSatisfy { $0.owner == "survivor" }, "\(status.partitions.map(\.owner))")
        #expect(await survivor.interrupt() == 130)

        let arrivals = survivor.arrivals
        let takeover = try #require(arrivals.first { streamsOfVictim.contains($0.record.stream) })
        let printedBySurvivor = arrivals.map(\.record)
        #expect(Set(printedByVictim.map(\.id)).count == printedByVictim.count, "the victim printed nothing twice")
        #expect(Set(printedBySurvivor.map(\.id)).count == printedBySurvivor.count, "the survivor printed nothing twice")
        #expect(Set((printedByVictim + printedBySurvivor).map(\.id)) == published, "nothing lost")
        #expect(printedByVictim.allSatisfy { streamsOfVictim.contains($0.stream) })

        // Per stream of the victim's: it printed versions 1...k; the survivor goes on
        // from its last checkpoint, in order: j...10 with j <= k + 1. The duplicates
        // (j...k) are the victim's last messages of that stream, unacknowledged at its death.
        let byVictim = Self.versionsByStream(printedByVictim)
        let bySurvivor = Self.versionsByStream(printedBySurvivor)
        var duplicates = 0
        for stream in streamsOfVictim {
            let before = byVictim[stream] ?? []
            let after = try #require(bySurvivor[stream], "the survivor delivers \(stream) to its end")
            #expect(before == Array(1..<(Int64(before.count) + 1)), "\(stream): \(before)")
            #expect(after == Array(after[0]...10), "\(stream) redelivered in order: \(after)")
            #expect(after[0] <= Int64(before.count) + 1, "\(stream): nothing skipped")
            duplicates += max(0, before.count - Int(after[0]) + 1)
        }
        let handover = takeover.at - killed
        print(
            "bus SIGKILL: \(printedByVictim.count) of the victim's \(victimShare) printed before the kill, "
                + "\(duplicates) redelivered; the survivor took over \(handover) after the kill (lease \(Self.lease) s)")
        // How soon is for the issue note; here, a hang detector with room for a loaded machine.
        #expect(handover < .seconds(Self.lease + 20), "the partitions moved once the lease expired: \(handover)")
        return handover
    }
}
