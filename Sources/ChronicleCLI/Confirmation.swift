internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Asks before destructive work: `--yes` skips the question; without it a
/// terminal gets a `[y/N]` prompt, and anything else (a script, a pipe, cron)
/// is refused, so nothing is destroyed by a command that nobody confirmed.
enum Confirmation {
    /// Returns when the work may go ahead.
    ///
    /// - Parameters:
    ///   - yes: Whether `--yes` was given.
    ///   - action: What would be done, for the refusal: `"rebuilding order-summary"`.
    ///   - question: The question, without the `[y/N]` suffix.
    ///   - warning: A warning printed on standard error before the question, or
    ///     before going ahead with `--yes` (not when refusing).
    /// - Throws: ``CommandError`` (bad input) when standard input is not a
    ///   terminal; (failure) when the answer is not yes.
    static func require(yes: Bool, action: String, question: String, warning: String? = nil) throws {
        let err = TextOutput.standardError
        guard yes || isatty(0) == 1 else {
            throw CommandError(
                .badInput, "\(action) needs --yes when standard input is not a terminal; nothing was changed")
        }
        TextOutput.standardOutput.flush()
        if let warning { err.line(err.styled("warning:", .yellow) + " " + warning) }
        if yes { return }
        err.write(question + " [y/N] ")
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            if answer == nil { err.line() }
            throw CommandError(.failure, "not confirmed: nothing was changed")
        }
    }
}
