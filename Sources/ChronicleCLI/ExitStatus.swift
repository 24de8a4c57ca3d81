/// The exit codes of `chronicle` and of every command built on ChronicleCLI.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | any other failure: missing, damaged or unreachable store, I/O error |
/// | 2 | bad input: invalid arguments, JSON, stream name, event or import line; an unknown projection, checkpoint or dead letter; no `--yes` where there is no terminal to confirm on |
/// | 3 | conflict with the store's contents: wrong expected version, an event id stored elsewhere, an import into a store holding other events |
/// | 4 | an alert threshold of `stats` was exceeded |
/// | 130 | interrupted (Ctrl-C, SIGTERM) before long work such as a rebuild finished |
///
/// ```swift
/// throw CommandError(.conflict, "stream 'order-42' is at version 5, not 3")
/// ```
public enum ExitStatus: Int32, Hashable, Sendable, CaseIterable {
    /// Everything went well.
    case success = 0
    /// Any failure that is not one of the others.
    case failure = 1
    /// The input was invalid: arguments, JSON, stream names, events, import lines,
    /// unknown names and ids, a missing `--yes`.
    case badInput = 2
    /// The write conflicts with what the store holds.
    case conflict = 3
    /// An alert threshold was exceeded.
    case alert = 4
    /// Ctrl-C (or SIGTERM) stopped long work, such as a rebuild, before it finished
    /// (128 + SIGINT, as shells report it).
    case interrupted = 130

    /// The exit codes as help text, for the discussion of a command.
    ///
    /// ```swift
    /// static let configuration = CommandConfiguration(discussion: "…\n\n" + ExitStatus.helpText)
    /// ```
    public static let helpText = """
        EXIT CODES
            0  success
            1  failure: missing, damaged or unreachable store, I/O error
            2  bad input: arguments, JSON, stream name, event, import line,
               an unknown projection, checkpoint or dead letter, no --yes
               where there is no terminal to confirm on
            3  conflict: wrong expected version, event id stored elsewhere,
               import into a store that holds other events
            4  an alert threshold of 'stats' or 'bus groups' was exceeded
          130  interrupted by Ctrl-C before a rebuild or catch-up finished,
               or a 'bus consume' stopped by Ctrl-C
        """
}
