/// The repository's in-memory cache of recently used aggregates, shared by tasks.
///
/// An entry is a starting point, like a snapshot: a load still reads the events
/// after the cached version, so a cached state is never returned stale. An entry
/// is only ever replaced by a newer version; a conflict keeps it, and the retry
/// reads the events after it.
final class AggregateCache<A: Aggregate>: Sendable {
    struct Entry: Sendable {
        var state: A
        var version: Int64
        /// The version of the newest snapshot known for the aggregate (0 for none).
        var snapshotVersion: Int64
    }

    private let entries: Locked<LRUCache<A.ID, Entry>>

    init(capacity: Int) {
        entries = Locked(LRUCache(capacity: capacity))
    }

    func entry(for id: A.ID) -> Entry? {
        entries.withLock { $0.value(for: id) }
    }

    /// Stores an entry unless the cache already holds a newer version.
    func store(_ entry: Entry, for id: A.ID) {
        entries.withLock { cache in
            cache.set(entry, for: id, unless: { $0.version > entry.version })
        }
    }

    func evict(_ id: A.ID) {
        entries.withLock { $0.removeValue(for: id) }
    }

    var count: Int { entries.withLock { $0.count } }
}
