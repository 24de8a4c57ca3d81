@_spi(Implementing) internal import Chronicle
internal import Logging
internal import PostgresNIO

/// Wake-ups across processes through LISTEN/NOTIFY on `chronicle_appends`.
///
/// **Sending.** After appends commit, ``appended()`` sends one `NOTIFY` from
/// a pooled connection, outside the append's transaction (inside, it would
/// serialise commits on the server's notification queue). Appends that
/// commit while one is on its way are covered by one more, so a burst of
/// appends costs at most two notifications per store at a time.
///
/// **Listening.** The first waiter starts a task that holds one connection
/// listening on the channel and fires the store's `AppendSignal` on every
/// notification. When that connection fails it reconnects after a pause;
/// waiters keep polling the head meanwhile, so a lost notification only
/// delays a wake-up.
final class PostgresAppendNotifier: Sendable {
    static let channel = "chronicle_appends"

    private struct State: Sendable {
        var sending = false
        var pending = false
        var listener: Task<Void, Never>?
        var stopped = false
    }

    private let state = Locked(State())
    private let database: PostgresDatabase
    private let signal: AppendSignal

    init(database: PostgresDatabase, signal: AppendSignal) {
        self.database = database
        self.signal = signal
    }

    /// Notes that appends committed: sends a notification, coalesced.
    func appended() {
        let sends = state.withLock { state -> Bool in
            if state.stopped { return false }
            if state.sending {
                state.pending = true
                return false
            }
            state.sending = true
            return true
        }
        guard sends else { return }
        Task { await self.send() }
    }

    private func send() async {
        while true {
            do {
                _ = try await database.withConnection { connection in
                    try await connection.query("SELECT pg_notify(\(Self.channel), '')", logger: database.logger)
                }
            } catch {
                database.logger.debug("sending the append notification failed", metadata: ["error": "\(error)"])
            }
            let again = state.withLock { state -> Bool in
                if state.pending, !state.stopped {
                    state.pending = false
                    return true
                }
                state.sending = false
                return false
            }
            if !again { return }
        }
    }

    /// Starts listening, once.
    func startListening() {
        state.withLock { state in
            guard state.listener == nil, !state.stopped else { return }
            state.listener = Task { await self.listen() }
        }
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Appends may have committed before LISTEN took effect.
                        signal.signal()
                        for try await _ in notifications {
                            signal.signal()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                database.logger.debug("listening for appends failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Stops listening and sending.
    func stop() {
        let listener = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            defer { state.listener = nil }
            return state.listener
        }
        listener?.cancel()
    }
}
