internal import Chronicle

/// A mutex-protected value that closures and `Sendable` classes can hold
/// (``Synchronization/Mutex`` itself cannot be copied into them).
final class MutexBox<Value: Sendable>: Sendable {
    private let mutex: Locked<Value>

    init(_ value: Value) {
        mutex = Locked(value)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}
