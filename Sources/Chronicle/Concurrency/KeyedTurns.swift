/// Runs work for one key at a time, in the order it arrives; work for other
/// keys runs alongside. A task waiting for its turn is a suspended continuation:
/// no thread is parked.
///
/// The repository uses it to queue commands on one aggregate (see
/// ``AggregateRepository/Options/queuesCommands``) rather than letting them race
/// to a version conflict.
///
/// ```swift
/// let turns = KeyedTurns<String>()
/// try await turns.run("stock-KETTLE") { try await reserve() }
/// ```
package final class KeyedTurns<Key: Hashable & Sendable>: Sendable {
    /// The keys whose turn is taken, each with the tasks waiting for it, first come first.
    private let waiting = Locked([Key: [CheckedContinuation<Void, Never>]]())

    package init() {}

    /// Runs `body` once every earlier caller with the same key has finished.
    ///
    /// Not re-entrant: `body` must not wait for a turn of the same key.
    ///
    /// - Parameters:
    ///   - key: What the work is about.
    ///   - body: The work.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    package func run<T>(_ key: Key, _ body: () async throws -> T) async throws -> T {
        await take(key)
        defer { pass(key) }
        return try await body()
    }

    /// The number of keys whose turn is taken (for tests).
    package var busyKeys: Int { waiting.withLock { $0.count } }

    private func take(_ key: Key) async {
        let free = waiting.withLock { waiting -> Bool in
            guard waiting[key] == nil else { return false }
            waiting[key] = []
            return true
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = waiting.withLock { waiting -> Bool in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the turn to the next waiting task, or frees the key.
    private func pass(_ key: Key) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[key], !queue.isEmpty else {
                waiting[key] = nil
                return nil
            }
            let next = queue.removeFirst()
            waiting[key] = queue
            return next
        }
        next?.resume()
    }
}
