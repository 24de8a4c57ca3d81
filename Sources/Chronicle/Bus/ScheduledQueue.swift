/// The scheduler's pending entries: in due order for publishing, and the oldest
/// position among them for the checkpoint.
///
/// Entries arrive in log order and, with the usual delays of one kind, nearly
/// in due order, so an insertion lands at or near the end; publishing takes the
/// first. Both are cheap without sorting or scanning the whole queue, which the
/// scheduler would otherwise do on every append while thousands of delayed
/// messages wait (a saga's timeouts, one per order).
///
/// ```swift
/// var queue = ScheduledQueue()
/// queue.insert(entry)
/// while let first = queue.first, first.due <= Date() { publish(first); queue.removeFirst() }
/// let checkpoint = queue.oldestPosition.map { GlobalPosition($0.rawValue - 1) }
/// ```
struct ScheduledQueue: Sendable {
    /// Pending entries from `start` on, in ``ScheduledEntry/dueOrder``.
    private var entries: [ScheduledEntry] = []
    private var start = 0
    /// Positions of the pending entries, ascending from `positionStart`, with
    /// those already published still in place until they reach the front.
    private var positions: [GlobalPosition] = []
    private var positionStart = 0
    private var published: Set<GlobalPosition> = []

    /// How many entries wait.
    var count: Int { entries.count - start }

    /// The entry due first.
    var first: ScheduledEntry? { start < entries.count ? entries[start] : nil }

    /// The lowest log position among the waiting entries.
    var oldestPosition: GlobalPosition? { positionStart < positions.count ? positions[positionStart] : nil }

    /// Adds an entry in due order (after those due at the same time and earlier in the log).
    mutating func insert(_ entry: ScheduledEntry) {
        entries.insert(entry, at: Self.index(in: entries[start...], after: entry, by: ScheduledEntry.dueOrder))
        let position = entry.record.position
        if let last = positions.last, last > position {
            positions.insert(position, at: Self.index(in: positions[positionStart...], after: position, by: <))
        } else {
            positions.append(position)
        }
    }

    /// Removes the entry due first (once it is published).
    mutating func removeFirst() {
        precondition(start < entries.count, "removeFirst on an empty ScheduledQueue")
        published.insert(entries[start].record.position)
        start += 1
        while positionStart < positions.count, published.remove(positions[positionStart]) != nil {
            positionStart += 1
        }
        // Drop the removed prefixes once they are half of the storage.
        if start > 64, start * 2 > entries.count {
            entries.removeFirst(start)
            start = 0
        }
        if positionStart > 64, positionStart * 2 > positions.count {
            positions.removeFirst(positionStart)
            positionStart = 0
        }
    }

    /// The index after the last element of `slice` not ordered after `element`
    /// (a binary search; checks the end first, where most insertions land).
    private static func index<T>(
        in slice: ArraySlice<T>, after element: T, by areInIncreasingOrder: (T, T) -> Bool
    ) -> Int {
        if let last = slice.last, !areInIncreasingOrder(element, last) { return slice.endIndex }
        var low = slice.startIndex
        var high = slice.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if areInIncreasingOrder(element, slice[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
