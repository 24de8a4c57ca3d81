/// How a consumer group splits streams among its partitions: a stable hash of
/// the stream name, the same in every process, build and platform.
///
/// ```swift
/// let partition = MessagePartitioning.partition(of: stream, count: 8)
/// ```
public enum MessagePartitioning {
    /// The partition of `stream` among `count`.
    ///
    /// FNV-1a (64-bit) over the UTF-8 bytes of the written name, modulo `count`:
    /// Swift's `Hasher` is seeded per process and cannot be used.
    ///
    /// - Parameters:
    ///   - stream: The message's stream.
    ///   - count: The group's number of partitions (at least 1).
    /// - Returns: A partition in `0..<count`.
    public static func partition(of stream: StreamName, count: Int) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.category.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(UInt8(ascii: "-"))) &* 0x100_0000_01b3
        for byte in stream.id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}
