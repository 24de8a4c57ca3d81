/// A bounded map that forgets its least recently used entry when full.
///
/// Every operation is O(1): entries are nodes of a doubly linked list kept in an
/// array (indices instead of references), with a free list for reused slots.
struct LRUCache<Key: Hashable, Value> {
    private struct Node {
        var key: Key
        var value: Value?
        /// The next more recently used node, or -1.
        var newer: Int
        /// The next less recently used node, or -1.
        var older: Int
    }

    /// The most entries kept (at least 1).
    let capacity: Int
    private var nodes: [Node] = []
    private var slots: [Key: Int] = [:]
    private var free: [Int] = []
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        precondition(capacity >= 1, "an LRU cache needs a capacity of at least 1")
        self.capacity = capacity
    }

    /// The number of entries.
    var count: Int { slots.count }

    /// The keys from the most to the least recently used.
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var index = newest
        while index >= 0 {
            keys.append(nodes[index].key)
            index = nodes[index].older
        }
        return keys
    }

    /// The value for a key, marking it most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let index = slots[key] else { return nil }
        moveToFront(index)
        return nodes[index].value
    }

    /// The value for a key, without changing recency.
    func peek(_ key: Key) -> Value? {
        slots[key].flatMap { nodes[$0].value }
    }

    /// Stores a value, marking it most recently used and evicting the least
    /// recently used entry when the cache is full.
    mutating func set(_ value: Value, for key: Key) {
        set(value, for: key, unless: { _ in false })
    }

    /// Stores a value as ``set(_:for:)`` does, unless the value held for the
    /// key satisfies `keep` (then nothing changes): one look-up for both.
    mutating func set(_ value: Value, for key: Key, unless keep: (Value) -> Bool) {
        if let index = slots[key] {
            if let held = nodes[index].value, keep(held) { return }
            nodes[index].value = value
            moveToFront(index)
            return
        }
        if slots.count >= capacity, oldest >= 0 {
            removeValue(for: nodes[oldest].key)
        }
        let node = Node(key: key, value: value, newer: -1, older: newest)
        let index: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            index = reused
        } else {
            nodes.append(node)
            index = nodes.count - 1
        }
        if newest >= 0 { nodes[newest].newer = index }
        newest = index
        if oldest < 0 { oldest = index }
        slots[key] = index
    }

    /// Removes a key's entry, if any.
    mutating func removeValue(for key: Key) {
        guard let index = slots.removeValue(forKey: key) else { return }
        unlink(index)
        nodes[index].value = nil
        free.append(index)
    }

    private mutating func unlink(_ index: Int) {
        // The links only: copying the node would copy its key and value.
        let (newer, older) = (nodes[index].newer, nodes[index].older)
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[index].newer = -1
        nodes[index].older = -1
    }

    private mutating func moveToFront(_ index: Int) {
        guard newest != index else { return }
        unlink(index)
        nodes[index].older = newest
        if newest >= 0 { nodes[newest].newer = index }
        newest = index
        if oldest < 0 { oldest = index }
    }
}
