internal import Foundation

/// The names a consumer group keeps its state under: checkpoints per topic and
/// partition, leases per partition and member.
///
/// `bus.<group>#<topic>#p<partition>of<count>` (checkpoints), `bus.<group>#p<partition>of<count>`
/// (partition leases), `bus.<group>#member#<member>` (member leases); the
/// redelivery lane's topic is written `$redeliver`. The CLI reads groups back from these names.
public enum BusNames {
    /// The prefix of every bus checkpoint and lease.
    public static let prefix = "bus."

    /// The checkpoint of one topic (lane) of one partition.
    public static func checkpoint(group: String, topic: String, partition: Int, of count: Int) -> String {
        "\(prefix)\(group)#\(topic)#p\(partition)of\(count)"
    }

    /// The lease of one partition.
    public static func partitionLease(group: String, partition: Int, of count: Int) -> String {
        "\(prefix)\(group)#p\(partition)of\(count)"
    }

    /// The lease a running member holds while it is in the group.
    public static func memberLease(group: String, member: String) -> String {
        "\(prefix)\(group)#member#\(member)"
    }

    /// The lease of the delayed-message scheduler (one process at a time publishes due messages).
    public static let schedulerLease = "bus.$scheduler"

    /// A bus checkpoint name taken apart.
    public struct ParsedCheckpoint: Hashable, Sendable {
        public let group: String
        public let topic: String
        public let partition: Int
        public let count: Int
    }

    /// Reads a checkpoint name written by ``checkpoint(group:topic:partition:of:)``.
    ///
    /// - Parameter name: A checkpoint name.
    /// - Returns: Its parts, or `nil` when it is not a bus checkpoint.
    public static func parseCheckpoint(_ name: String) -> ParsedCheckpoint? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let firstHash = rest.firstIndex(of: "#"), let lastHash = rest.lastIndex(of: "#"), firstHash < lastHash
        else { return nil }
        let group = String(rest[..<firstHash])
        let topic = String(rest[rest.index(after: firstHash)..<lastHash])
        let tail = rest[rest.index(after: lastHash)...]
        guard tail.hasPrefix("p"), let of = tail.range(of: "of"),
            let partition = Int(tail[tail.index(after: tail.startIndex)..<of.lowerBound]),
            let count = Int(tail[of.upperBound...])
        else { return nil }
        return ParsedCheckpoint(group: group, topic: topic, partition: partition, count: count)
    }
}
