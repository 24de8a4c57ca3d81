internal import Foundation
internal import Chronicle

/// A one-line progress display for long work (export, import): count done,
/// percentage, rate and time left, redrawn in place at most ten times a second.
///
/// It draws only on a terminal, so scripts and logs get no control characters;
/// ``finish()`` clears the line.
///
/// ```swift
/// let progress = ProgressReporter(task: "exporting", unit: "events")
/// for (index, record) in records.enumerated() {
///     write(record)
///     progress.update(count: Int64(index + 1), fraction: Double(index + 1) / Double(records.count))
/// }
/// progress.finish()
/// ```
final class ProgressReporter: Sendable {
    private struct State {
        var lastDraw: Date?
        var drawn = false
    }

    private let task: String
    private let unit: String
    private let output: TextOutput
    private let enabled: Bool
    private let started = Date()
    private let state = Locked(State())

    /// Creates a reporter.
    ///
    /// - Parameters:
    ///   - task: What is being done, such as `"importing"`.
    ///   - unit: What is counted, such as `"events"`.
    ///   - output: Where to draw; standard error by default.
    ///   - enabled: Whether to draw; by default only when `output` is a terminal.
    init(task: String, unit: String, output: TextOutput = .standardError, enabled: Bool? = nil) {
        self.task = task
        self.unit = unit
        self.output = output
        self.enabled = enabled ?? output.isTerminal
    }

    /// Reports how far the work is.
    ///
    /// - Parameters:
    ///   - count: How many units are done.
    ///   - fraction: The share of the work done (0...1), when known.
    func update(count: Int64, fraction: Double?) {
        guard enabled else { return }
        let now = Date()
        let draw = state.withLock { state -> Bool in
            if let last = state.lastDraw, now.timeIntervalSince(last) < 0.1 { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        guard draw else { return }
        let elapsed = now.timeIntervalSince(started)
        var parts = ["\(task) \(Formatting.count(count)) \(unit)"]
        if let fraction, fraction > 0 {
            parts.append("\(Int((min(fraction, 1) * 100).rounded(.down)))%")
        }
        if elapsed > 0.5 { parts.append("\(Formatting.count(Int64(Double(count) / elapsed)))/s") }
        if let fraction, fraction > 0.01, fraction < 1, elapsed > 0.5 {
            parts.append("~\(Formatting.duration(elapsed * (1 - fraction) / fraction)) left")
        }
        output.write("\r\u{1B}[K" + parts.joined(separator: "  "))
    }

    /// Clears the progress line.
    func finish() {
        let drawn = state.withLock { state -> Bool in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { output.write("\r\u{1B}[K") }
    }
}
