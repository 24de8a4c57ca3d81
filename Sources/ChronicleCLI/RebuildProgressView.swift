internal import Chronicle
internal import Foundation

/// Shows a rebuild's or catch-up's progress: on a terminal, a bar redrawn in
/// place (done/total, rate, time left); elsewhere, plain lines, the first after
/// the first batch and then at most one a second, so logs stay readable.
final class RebuildProgressView: Sendable {
    private struct State {
        var lastDraw: Date?
        var drawn = false
    }

    private let verb: String
    private let projection: String
    private let baseline: Int64
    private let output: TextOutput
    private let terminal: Bool
    private let state = Locked(State())

    /// - Parameters:
    ///   - verb: `"rebuilding"` or `"catching up"`.
    ///   - projection: The projection's name.
    ///   - baseline: The checkpoint before this run: the rate counts only what this run did.
    ///   - output: Where to draw (standard output).
    init(verb: String, projection: String, baseline: Int64, output: TextOutput = .standardOutput) {
        self.verb = verb
        self.projection = projection
        self.baseline = baseline
        self.output = output
        terminal = output.isTerminal
    }

    func update(_ progress: RebuildProgress) {
        let now = Date()
        let interval = terminal ? 0.1 : 1.0
        let draw = state.withLock { state -> Bool in
            if let last = state.lastDraw, now.timeIntervalSince(last) < interval { return false }
            state.lastDraw = now
            state.drawn = terminal
            // Plain lines: the closing line reports a finished replay.
            return terminal || progress.done < progress.total
        }
        guard draw else { return }
        let done = progress.done
        let total = max(progress.total, done)
        let rate = progress.elapsed > 0 ? Double(done - baseline) / progress.elapsed : 0
        var parts = ["\(Formatting.count(done))/\(Formatting.count(total)) events"]
        parts.append("\(Int((progress.fraction * 100).rounded(.down)))%")
        if rate > 0 {
            parts.append("\(Formatting.count(Int64(rate))) events/s")
            if done < total { parts.append("~\(Formatting.duration(Double(total - done) / rate)) left") }
        }
        if terminal {
            let width = 24
            let filled = Int(progress.fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            output.write("\r\u{1B}[K\(verb) \(output.styled(projection, .cyan)) [\(bar)] " + parts.joined(separator: "  "))
        } else {
            output.line("\(verb) \(projection): " + parts.joined(separator: ", "))
        }
        output.flush()
    }

    /// Clears the bar, then prints the closing line.
    func finish(_ line: String) {
        let drawn = state.withLock { state -> Bool in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { output.write("\r\u{1B}[K") }
        output.line(line)
        output.flush()
    }

    /// Clears the bar without a closing line (before an error is printed).
    func abandon() {
        let drawn = state.withLock { state -> Bool in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn {
            output.write("\r\u{1B}[K")
            output.flush()
        }
    }
}
