import Chronicle
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs work until it finishes or SIGINT / SIGTERM cancels it.
enum SignalStop {
    /// - Returns: `true` when a signal stopped the work (then its errors are not reported).
    static func run(_ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let raised = Locked(false)
        let task = Task { try await body() }
        let signals = [SIGINT, SIGTERM]
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                raised.withLock { $0 = true }
                task.cancel()
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            for number in signals { signal(number, SIG_DFL) }
        }
        do {
            try await task.value
        } catch {
            if raised.withLock({ $0 }) { return true }
            throw error
        }
        return raised.withLock { $0 }
    }
}
