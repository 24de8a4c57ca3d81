/// How a member decides which partitions to hold: a fair share of the
/// partitions among the live members, taken from free partitions starting at an
/// offset derived from the member id (so members starting together collide less).
struct PartitionAssignment: Hashable, Sendable {
    /// Live members of the group (at least 1: the caller).
    let members: Int
    /// The group's partition count.
    let partitions: Int

    /// The most partitions one member holds: ⌈partitions / members⌉.
    var share: Int { (partitions + members - 1) / max(1, members) }

    /// Partitions to try to take, in order.
    ///
    /// - Parameters:
    ///   - owned: The partitions the member holds.
    ///   - taken: Partitions other members hold.
    ///   - member: The member's id.
    /// - Returns: Free partitions, at most as many as the member may still take.
    func toAcquire(owned: Set<Int>, taken: Set<Int>, member: String) -> [Int] {
        let wanted = share - owned.count
        guard wanted > 0 else { return [] }
        let start = Self.offset(of: member, count: partitions)
        var result: [Int] = []
        for step in 0..<partitions {
            let partition = (start + step) % partitions
            if owned.contains(partition) || taken.contains(partition) { continue }
            result.append(partition)
        }
        return result
    }

    /// Partitions to give back: the excess over the share (the highest-numbered first).
    func toRelease(owned: Set<Int>) -> [Int] {
        let excess = owned.count - share
        guard excess > 0 else { return [] }
        return Array(owned.sorted(by: >).prefix(excess))
    }

    /// A stable offset for a member id (FNV-1a, the same in every process).
    static func offset(of member: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in member.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(max(1, count)))
    }
}
