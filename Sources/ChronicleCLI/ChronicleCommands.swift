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
/// An app with projections uses ``storeCommands(projections:)`` instead, which
/// adds `projections` and makes `stats` and `dlq retry` use its projections.
public enum ChronicleCommands {
    /// The version `chronicle --version` prints.
    public static let version = "0.1.0-dev"

    /// `init`, `append`, `streams`, `snapshots`, `tail`, `events`, `stats`,
    /// `checkpoints`, `dlq`, `category-index` and `bench`: the commands of the standalone tool, which runs no app code (so its
    /// `dlq retry` explains that retrying needs the app's tool).
    public static let storeCommands: [any ParsableCommand.Type] = storeCommands(projections: NoProjectionCatalog.self)

    /// The store commands for an app's own tool, with its projections: the
    /// commands of ``storeCommands`` (with `stats` reporting the projections'
    /// lag through their filters, and a `dlq retry` that re-applies parked events
    /// through their handlers) plus `projections list|status|rebuild|catch-up|reset`.
    ///
    /// ```swift
    /// struct ShopAdmin: AsyncParsableCommand {
    ///     static let configuration = CommandConfiguration(
    ///         commandName: "shop-admin",
    ///         subcommands: ChronicleCommands.storeCommands(projections: ShopProjections.self) + [ShopReport.self])
    /// }
    /// ```
    ///
    /// - Parameter catalog: The app's ``ProjectionCatalog``.
    /// - Returns: The command types, for `CommandConfiguration(subcommands:)`.
    public static func storeCommands<Catalog: ProjectionCatalog>(projections catalog: Catalog.Type)
        -> [any ParsableCommand.Type]
    {
        var commands: [any ParsableCommand.Type] = [
            InitCommand.self, AppendCommand.self, StreamsCommand.self, SnapshotsCommand.self, TailCommand.self,
            EventsCommand.self,
            StatsCommand<Catalog>.self, CheckpointsCommand.self, DeadLettersCommand<Catalog>.self,
            CategoryIndexCommand.self, BackupCommand.self, BusCommand.self, BenchCommand.self,
        ]
        if Catalog.self != NoProjectionCatalog.self { commands.append(ProjectionsCommand<Catalog>.self) }
        return commands
    }

    /// The providers `stats` asks for the projections and consumer groups to
    /// report and check against the alert thresholds.
    ///
    /// Empty by default: `stats` reports every checkpoint and dead-letter
    /// subscriber of the store itself. An app whose readers keep their positions
    /// elsewhere binds providers around the run (a provider's status replaces the
    /// plain subscriber of the same name):
    ///
    /// ```swift
    /// let provider = ConsumerStatusProvider { opened in try await myCheckpoints.statuses(in: opened) }
    /// let status = await ChronicleCommands.$consumerStatusProviders.withValue([provider]) {
    ///     await CommandRunner.run(ShopAdmin.self, arguments: Array(CommandLine.arguments.dropFirst()))
    /// }
    /// ```
    @TaskLocal public static var consumerStatusProviders: [ConsumerStatusProvider] = []

    /// Help text shared by commands (and the order-processing sample's): the discussion, then the exit codes.
    ///
    /// Consecutive unindented lines are joined into one paragraph, which
    /// ArgumentParser wraps at the terminal's width; indented lines (examples)
    /// are kept as they are.
    package static func discussion(_ text: String) -> String {
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
