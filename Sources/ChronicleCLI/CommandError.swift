/// A failure a command reports as one line on standard error with an exit status.
///
/// Commands throw it for anything a user can fix (a missing store, a malformed
/// line); ``CommandRunner`` prints the message and exits with the status. A
/// `nil` message exits quietly, for failures the command already reported
/// (alerts from `stats`).
///
/// ```swift
/// guard FileManager.default.fileExists(atPath: path) else {
///     throw CommandError(.failure, "no store at '\(path)'")
/// }
/// ```
public struct CommandError: Error, Sendable, CustomStringConvertible {
    /// The exit status.
    public let status: ExitStatus
    /// The one-line message, or `nil` when it was already reported.
    public let message: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - status: The exit status.
    ///   - message: What went wrong, as one line; `nil` exits without printing.
    public init(_ status: ExitStatus, _ message: String?) {
        self.status = status
        self.message = message
    }

    public var description: String { message ?? "exit status \(status.rawValue)" }
}
