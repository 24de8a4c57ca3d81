internal import Foundation
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Standard output or standard error, buffered, knowing whether it is a
/// terminal (and so whether to use colour).
///
/// Commands print through these two instances. Standard output is buffered and
/// written out by ``flush()`` (commands that stream, such as `tail --follow`,
/// flush after each page); standard error is written at once.
///
/// ```swift
/// let out = TextOutput.standardOutput
/// out.line(out.styled("STREAM", .bold) + "  VERSION")
/// out.flush()
/// ```
final class TextOutput: Sendable {
    /// The process's standard output.
    static let standardOutput = TextOutput(fileDescriptor: 1, flushesEveryLine: false)
    /// The process's standard error.
    static let standardError = TextOutput(fileDescriptor: 2, flushesEveryLine: true)

    /// Whether the stream is a terminal.
    let isTerminal: Bool
    /// Whether ``styled(_:_:)`` adds colour: on a terminal, unless `NO_COLOR` is
    /// set or `TERM` is `dumb`.
    let usesColor: Bool

    private let fileDescriptor: Int32
    private let flushesEveryLine: Bool
    private let buffer = Mutex<[UInt8]>([])

    private init(fileDescriptor: Int32, flushesEveryLine: Bool) {
        self.fileDescriptor = fileDescriptor
        self.flushesEveryLine = flushesEveryLine
        isTerminal = isatty(fileDescriptor) == 1
        let environment = ProcessInfo.processInfo.environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        usesColor = isTerminal && !noColor && environment["TERM"] != "dumb"
    }

    /// Writes text without a line break.
    ///
    /// - Parameter text: The text.
    func write(_ text: String) {
        let full = buffer.withLock { buffer -> Bool in
            buffer.append(contentsOf: text.utf8)
            return buffer.count >= 1 << 16
        }
        if full || flushesEveryLine { flush() }
    }

    /// Writes text followed by a line break.
    ///
    /// - Parameter text: The line, without its line break.
    func line(_ text: String = "") {
        write(text + "\n")
    }

    /// Writes out everything buffered.
    func flush() {
        buffer.withLock { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { raw in
                    #if canImport(Glibc)
                        Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                    #else
                        Darwin.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                    #endif
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    break  // A closed pipe or a full disk: nothing better to do than drop the output.
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// The text with a style, when this stream uses colour; else the text unchanged.
    ///
    /// ```swift
    /// out.line(out.styled("ALERT", .red) + " projection 'orders' is behind")
    /// ```
    ///
    /// - Parameters:
    ///   - text: The text.
    ///   - style: The style.
    /// - Returns: The text between ANSI escapes, or unchanged.
    func styled(_ text: String, _ style: TextStyle) -> String {
        usesColor ? style.apply(to: text) : text
    }
}

/// A text style for terminals: see ``TextOutput/styled(_:_:)``.
///
/// ```swift
/// let header = out.styled("POSITION", .bold)
/// ```
enum TextStyle: Hashable, Sendable {
    /// Bold.
    case bold
    /// Dimmed, for secondary details.
    case dim
    /// Red, for errors.
    case red
    /// Yellow, for warnings and alerts.
    case yellow
    /// Green, for success.
    case green
    /// Cyan, for names.
    case cyan

    /// The text between the style's ANSI escape and a reset.
    ///
    /// - Parameter text: The text.
    /// - Returns: The styled text.
    func apply(to text: String) -> String {
        let code: String
        switch self {
        case .bold: code = "1"
        case .dim: code = "2"
        case .red: code = "31"
        case .yellow: code = "33"
        case .green: code = "32"
        case .cyan: code = "36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
