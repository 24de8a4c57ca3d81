internal import Dispatch
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Runs work that SIGINT (Ctrl-C) and SIGTERM stop cleanly by cancelling it.
package enum Interruption {
    private final class Flag: Sendable {
        let raised = Mutex(false)
    }

    /// Runs `body` until it finishes or a SIGINT or SIGTERM arrives; a signal
    /// cancels it and is not an error.
    ///
    /// - Parameter body: The work; it should honour cancellation.
    /// - Returns: `true` when a signal stopped the work.
    /// - Throws: What `body` throws, unless a signal stopped it.
    package static func run(_ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let flag = Flag()
        let task = Task { try await body() }
        let signals = [SIGINT, SIGTERM]
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                flag.raised.withLock { $0 = true }
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
            if flag.raised.withLock({ $0 }) { return true }
            throw error
        }
        return flag.raised.withLock { $0 }
    }
}
