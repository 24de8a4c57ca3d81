public import ArgumentParser

/// The store-level commands of `chronicle`, for the standalone tool and for
/// apps that embed them next to their own commands.
///
/// ```swift
/// struct ShopAdmin: AsyncParsableCommand {
///     static let configuration = CommandConfiguration(
///         commandName: "shop-admin",
///         discussion: ExitStatus.helpText,
///         subcommands: ChronicleCommands.storeCommands + [ShopReport.self])
/// }
/// await CommandRunner.main(ShopAdmin.self)
/// ```
///
/// Commands that need more than the event log (projections, dead letters,
/// checkpoints) join this list as those features land.
public enum ChronicleCommands {
    /// The version `chronicle --version` prints.
    public static let version = "0.1.0-dev"

    /// `init`, `append`, `streams`, `tail`, `events`, `stats` and `bench`.
    public static let storeCommands: [any ParsableCommand.Type] = [
        InitCommand.self, AppendCommand.self, StreamsCommand.self, TailCommand.self, EventsCommand.self,
        StatsCommand.self, BenchCommand.self,
    ]

    /// The providers `stats` asks for the projections and consumer groups to
    /// report and check against the alert thresholds.
    ///
    /// Empty by default: the store has no projections or consumer groups yet.
    /// An app that keeps its own checkpoints binds providers around the run:
    ///
    /// ```swift
    /// let provider = ConsumerStatusProvider { opened in try await myCheckpoints.statuses(in: opened) }
    /// let status = await ChronicleCommands.$consumerStatusProviders.withValue([provider]) {
    ///     await CommandRunner.run(ShopAdmin.self, arguments: Array(CommandLine.arguments.dropFirst()))
    /// }
    /// ```
    @TaskLocal public static var consumerStatusProviders: [ConsumerStatusProvider] = []

    /// Help text shared by commands: the discussion, then the exit codes.
    ///
    /// Consecutive unindented lines are joined into one paragraph, which
    /// ArgumentParser wraps at the terminal's width; indented lines (examples)
    /// are kept as they are.
    static func discussion(_ text: String) -> String {
        reflow(text) + "\n\n" + ExitStatus.helpText
    }

    static func reflow(_ text: String) -> String {
        var lines: [String] = []
        var joinable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let isProse = !line.isEmpty && !line.hasPrefix(" ") && line != line.uppercased()
            if isProse && joinable, let last = lines.popLast() {
                lines.append(last + " " + line)
            } else {
                lines.append(line)
            }
            joinable = isProse
        }
        return lines.joined(separator: "\n")
    }
}
