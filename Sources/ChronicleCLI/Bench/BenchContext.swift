internal import Chronicle
internal import ChronicleSQLite
internal import Foundation

/// What every workload of a `chronicle bench` run shares: the scale, the
/// durability, and where fresh stores are created.
struct BenchContext: Sendable {
    /// Multiplies every count (0.01 for a quick check).
    let scale: Double
    /// The durability of every store.
    let durability: SQLiteDurability
    /// The store file each workload creates afresh, then removes.
    let storePath: String

    /// `count` times the scale, at least `minimum`.
    func count(_ count: Int, minimum: Int = 1) -> Int {
        max(minimum, Int((Double(count) * scale).rounded()))
    }

    /// Runs `body` on a new, empty store, then closes and removes it.
    func withFreshStore<T>(_ body: (SQLiteEventStore) async throws -> T) async throws -> T {
        removeStoreFiles()
        defer { removeStoreFiles() }
        let store = try await SQLiteEventStore(path: storePath, options: .init(durability: durability))
        do {
            let result = try await body(store)
            try store.close()
            return result
        } catch {
            try? store.close()
            throw error
        }
    }

    /// The repository workloads use; `cache` keeps that many orders in memory.
    func orders(_ store: SQLiteEventStore, cache: Int = 0) throws -> AggregateRepository<BenchOrder> {
        try AggregateRepository<BenchOrder>(store: store, options: .init(cacheCapacity: cache))
    }

    func removeStoreFiles() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: storePath + suffix)
        }
    }
}
