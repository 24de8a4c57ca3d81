internal import Synchronization

/// A value behind a lock, shared by tasks and threads: a `Mutex` whose
/// hand-overs ThreadSanitizer can follow.
///
/// On Linux, `Synchronization.Mutex` passes a contended lock to the next
/// thread inside the kernel (a priority-inheriting futex), out of
/// ThreadSanitizer's sight, so TSan reports the accesses the lock protects as
/// data races (a minimal `Mutex` counter shared by four threads reproduces
/// it). Each critical section here also reads an atomic counter with
/// acquiring and bumps it with releasing ordering, inside the lock: the edge
/// TSan needs, for two uncontended atomic operations. Use it instead of
/// `Mutex` for state the concurrency tests exercise, so that the
/// `--sanitize=thread` run (`CHRONICLE_SANITIZERS=thread Scripts/test.sh`)
/// reports real races only.
///
/// ```swift
/// let counts = Locked<[String: Int]>([:])
/// counts.withLock { $0["orders", default: 0] += 1 }
/// ```
package final class Locked<Value: ~Copyable>: Sendable {
    private let mutex: Mutex<Value>
    private let handoff = Atomic<UInt>(0)

    /// Creates a lock around a value.
    ///
    /// - Parameter value: The initial value.
    package init(_ value: consuming sending Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with exclusive access to the value.
    ///
    /// - Parameter body: Reads or changes the value; keep it short and never suspend in it.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    package func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            _ = handoff.load(ordering: .acquiring)
            defer { _ = handoff.add(1, ordering: .releasing) }
            return try body(&value)
        }
    }
}
