@testable import Chronicle
import ChronicleTesting
import Testing

@Suite("LRUCache")
struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 3)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")
        #expect(cache.keysByRecency == ["c", "b", "a"])
        #expect(cache.value(for: "a") == 1)
        #expect(cache.keysByRecency == ["a", "c", "b"])
        cache.set(4, for: "d")
        #expect(cache.keysByRecency == ["d", "a", "c"])
        #expect(cache.value(for: "b") == nil)
        cache.set(30, for: "c")
        #expect(cache.keysByRecency == ["c", "d", "a"])
        #expect(cache.peek("a") == 1)
        #expect(cache.keysByRecency == ["c", "d", "a"])
        cache.removeValue(for: "d")
        #expect(cache.keysByRecency == ["c", "a"])
        cache.set(5, for: "e")
        cache.set(6, for: "f")
        #expect(cache.keysByRecency == ["f", "e", "c"])
        #expect(cache.count == 3)
    }

    @Test func conditionalSetKeepsAHeldValueThatPasses() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.set(5, for: "a")
        cache.set(1, for: "b")
        // The held 5 is newer than 3: nothing changes, not even recency.
        cache.set(3, for: "a", unless: { $0 > 3 })
        #expect(cache.peek("a") == 5)
        #expect(cache.keysByRecency == ["b", "a"])
        cache.set(7, for: "a", unless: { $0 > 7 })
        #expect(cache.peek("a") == 7)
        #expect(cache.keysByRecency == ["a", "b"])
        // An absent key is stored whatever the condition, evicting the oldest.
        cache.set(9, for: "c", unless: { _ in true })
        #expect(cache.keysByRecency == ["c", "a"])
        #expect(cache.peek("b") == nil)
    }

    @Test func matchesAReferenceModelOnRandomOperations() {
        var rng = SeededRandom(seed: 42)
        var cache = LRUCache<Int, Int>(capacity: 8)
        var model: [(key: Int, value: Int)] = []  // most recent first
        for step in 0..<5_000 {
            let key = Int(rng.next() % 20)
            switch rng.next() % 3 {
            case 0:
                cache.set(step, for: key)
                model.removeAll { $0.key == key }
                model.insert((key, step), at: 0)
                if model.count > 8 { model.removeLast() }
            case 1:
                let expected = model.first { $0.key == key }?.value
                #expect(cache.value(for: key) == expected)
                if let index = model.firstIndex(where: { $0.key == key }) {
                    model.insert(model.remove(at: index), at: 0)
                }
            default:
                cache.removeValue(for: key)
                model.removeAll { $0.key == key }
            }
            if cache.keysByRecency != model.map(\.key) {
                Issue.record("diverged at step \(step)")
                return
            }
        }
    }
}
