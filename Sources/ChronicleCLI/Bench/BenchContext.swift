internal import Chronicle
internal import Foundation

/// What every workload of a `chronicle bench` run shares: the scale, the
/// backend and its durability, and where fresh stores are created.
struct BenchContext: Sendable {
    /// Multiplies every count (0.01 for a quick check).
    let scale: Double
    /// How many tasks append at once in `append-concurrent`.
    let writers: Int
    /// The backend whose stores are measured.
    let backend: any StoreBenchmarking
    /// The durability of every store, one of the backend's.
    let durability: String
    /// The store each workload creates afresh, then removes.
    let location: StoreLocation

    /// `count` times the scale, at least `minimum`.
    func count(_ count: Int, minimum: Int = 1) -> Int {
        max(minimum, Int((Double(count) * scale).rounded()))
    }

    /// Runs `body` on a new, empty store, then closes and removes it (also
    /// when `body` throws or the run is interrupted).
    func withFreshStore<T>(_ body: (any BackendStore) async throws -> T) async throws -> T {
        await backend.removeStore(at: location)
        let store: any BackendStore
        do {
            store = try await backend.openForBenchmark(location, durability: durability)
        } catch {
            await backend.removeStore(at: location)
            throw error
        }
        let result: T
        do {
            result = try await body(store)
        } catch {
            store.close()
            await backend.removeStore(at: location)
            throw error
        }
        store.close()
        await backend.removeStore(at: location)
        return result
    }

    /// The repository workloads use; `cache` keeps that many orders in memory.
    func orders(_ store: some EventStore, cache: Int = 0) throws -> AggregateRepository<BenchOrder> {
        try AggregateRepository<BenchOrder>(store: store, options: .init(cacheCapacity: cache))
    }
}
