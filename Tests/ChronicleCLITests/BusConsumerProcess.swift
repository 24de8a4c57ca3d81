import Chronicle
import ChronicleCLI
import ChronicleTesting
import Foundation
import ProcessTestSupport

/// A running `chronicle bus consume` whose JSON lines are decoded and collected,
/// with the time each arrived, as the test reads them.
///
/// Reading starts at once, or when ``startReading()`` is called: a member whose
/// output is not read blocks on its full pipe in the middle of a message.
final class BusConsumerProcess: Sendable {
    struct Arrival: Sendable {
        let record: EventRecord
        let at: ContinuousClock.Instant
    }

    private struct State {
        var arrivals: [Arrival] = []
        /// A line that was not an event line: only the last may be (cut short by a kill).
        var unreadable: [String] = []
        var ended = false
        var reading = false
    }

    let member: String
    let running: ChronicleProcess.Running
    private let state = Locked(State())
    private let watchdog: Task<Void, Never>

    /// Starts `chronicle bus consume orders --group GROUP --member MEMBER --store STORE` with `options`.
    init(member: String, group: String, store: String, options: [String] = ["--lease", "\(BusProcessScenarios.lease)s"], reading: Bool = true) throws {
        self.member = member
        running = try ChronicleProcess.start(
            ["bus", "consume", "orders", "--group", group, "--member", member, "--store", store] + options)
        let running = running
        watchdog = Task {
            guard (try? await Task.sleep(for: .seconds(60))) != nil else { return }
            running.signal(SIGKILL)
        }
        if reading { startReading() }
    }

    deinit { watchdog.cancel() }

    /// Kills it unless it ended: a test that failed early leaves no process behind.
    func killIfRunning() {
        if running.isRunning { running.signal(SIGKILL) }
    }

    /// Reads the output until its end, in a task of its own.
    func startReading() {
        let start = state.withLock { state -> Bool in
            defer { state.reading = true }
            return !state.reading
        }
        guard start else { return }
        Task {
            while let line = await running.nextLine() {
                let now = ContinuousClock.now
                let record = try? EventLine.decode(Array(line.utf8))
                state.withLock { state in
                    if let record { state.arrivals.append(Arrival(record: record, at: now)) } else { state.unreadable.append(line) }
                }
            }
            state.withLock { $0.ended = true }
        }
    }

    /// What it printed so far.
    var arrivals: [Arrival] { state.withLock { $0.arrivals } }
    var records: [EventRecord] { arrivals.map(\.record) }
    /// Lines that were not event lines.
    var unreadable: [String] { state.withLock { $0.unreadable } }

    /// Waits until `condition` holds for what was printed (checked as lines come in).
    func waitUntil(
        seconds: Double = 30, _ what: String, _ condition: @escaping @Sendable ([EventRecord]) -> Bool
    ) async throws {
        try await Self.waitUntil(seconds: seconds, what) { condition(self.records) }
    }

    /// Waits until `condition` holds, checking every 10 ms; fails after `seconds`.
    static func waitUntil(
        seconds: Double = 30, _ what: String, _ condition: @escaping @Sendable () async throws -> Bool
    ) async throws {
        try await withDeadline(seconds: seconds, what) {
            while try await !condition() { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Stops it with SIGINT and reads the rest of its output; returns its exit status.
    func interrupt() async -> Int32 {
        running.signal(SIGINT)
        return await end()
    }

    /// Waits for it to end and its output to be read; returns its exit status.
    func end() async -> Int32 {
        startReading()
        let status = await running.wait().status
        try? await Self.waitUntil(seconds: 10, "output read") { self.state.withLock { $0.ended } }
        return status
    }
}
