public import ArgumentParser
public import Chronicle
internal import Foundation

/// Parses arguments, runs the chosen command and turns every outcome into an
/// exit status, printing failures as one line on standard error (never a stack
/// trace): the `main` of `chronicle` and of apps that embed ChronicleCLI.
///
/// Usage errors (unknown subcommands and options, missing arguments, invalid
/// values) exit with ``ExitStatus/badInput``; errors a command throws go
/// through ``ErrorReport``.
///
/// ```swift
/// // Sources/ShopAdmin/main.swift
/// import ArgumentParser
/// import ChronicleCLI
/// import ChronicleSQLite
///
/// struct ShopAdmin: AsyncParsableCommand {
///     static let configuration = CommandConfiguration(
///         commandName: "shop-admin",
///         subcommands: ChronicleCommands.storeCommands + [ShopReport.self])
/// }
///
/// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend()])
/// ```
///
/// The backends given are the stores the tool opens (see
/// ``StoreBackendRegistry``): ChronicleCLI depends on no database library, so
/// each executable registers the backends it ships.
public enum CommandRunner {
    /// Runs the command the process's arguments choose and exits with its status.
    ///
    /// ```swift
    /// await CommandRunner.main(ShopAdmin.self, backends: [SQLiteBackend()])
    /// ```
    ///
    /// - Parameters:
    ///   - root: The root command type.
    ///   - backends: The store backends the tool opens `--store` locations with.
    /// - Returns: Never: the process exits.
    public static func main(_ root: any ParsableCommand.Type, backends: [any StoreBackend] = []) async -> Never {
        let status = await run(root, arguments: Array(CommandLine.arguments.dropFirst()), backends: backends)
        exit(status)
    }

    /// Runs the command that `arguments` choose and returns the exit status
    /// without exiting, for tests and for apps with their own `main`.
    ///
    /// ```swift
    /// let status = await CommandRunner.run(ShopAdmin.self, arguments: ["stats", "--store", path], backends: [SQLiteBackend()])
    /// ```
    ///
    /// - Parameters:
    ///   - root: The root command type.
    ///   - arguments: The arguments, without the executable's name.
    ///   - backends: The store backends to open locations with, consulted before
    ///     those of ``StoreBackendRegistry/current``.
    /// - Returns: The exit status (0 for success; see ``ExitStatus``).
    public static func run(
        _ root: any ParsableCommand.Type, arguments: [String], backends: [any StoreBackend] = []
    ) async -> Int32 {
        let registry = StoreBackendRegistry(backends + StoreBackendRegistry.current.backends)
        return await StoreBackendRegistry.$current.withValue(registry) {
            await runCommand(root, arguments: arguments)
        }
    }

    private static func runCommand(_ root: any ParsableCommand.Type, arguments: [String]) async -> Int32 {
        let out = TextOutput.standardOutput
        defer { out.flush() }
        let command: any ParsableCommand
        do {
            command = try root.parseAsRoot(arguments)
        } catch {
            return reportParseError(error, root: root, arguments: arguments)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            out.flush()
            if isArgumentParserError(error) { return reportParseError(error, root: root, arguments: arguments) }
            let report = ErrorReport(error)
            if let message = report.message { printError(message, root: root) }
            return report.status.rawValue
        }
    }

    /// Errors of ArgumentParser itself (help requests, `CleanExit`, validation
    /// errors thrown by a command) are reported as ArgumentParser means them.
    private static func isArgumentParserError(_ error: any Error) -> Bool {
        error is CleanExit || error is ValidationError
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    private static func reportParseError(_ error: any Error, root: any ParsableCommand.Type, arguments: [String]) -> Int32 {
        let code = root.exitCode(for: error)
        if code == .success {
            // --help, --version, or a command group run without a subcommand.
            TextOutput.standardOutput.line(root.fullMessage(for: error, columns: nil))
            return code.rawValue
        }
        let chosen = commandPath(root, arguments: arguments)
        let path = chosen.path
        // A word where a group expects its subcommand: ArgumentParser would
        // complain about whatever follows it (`streams lst --store x` said
        // "Unknown option '--store'"), so name the word itself.
        if let next = chosen.next, !next.hasPrefix("-"), next != "help", !chosen.subcommands.isEmpty {
            let names = chosen.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
            printError(
                "unknown subcommand '\(next)' of '\(path)': its subcommands are \(listed(names)) "
                    + "(see '\(path) --help')", root: root)
            return ExitStatus.badInput.rawValue
        }
        let message = ErrorReport.oneLine(root.message(for: error))
        printError("\(message) (see '\(path) --help')", root: root)
        return ExitStatus.badInput.rawValue
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func listed(_ names: [String]) -> String {
        guard let last = names.last else { return "none" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }

    private static func printError(_ message: String, root: any ParsableCommand.Type) {
        let err = TextOutput.standardError
        err.line("\(toolName(root)): \(err.styled("error:", .red)) \(message)")
    }

    private static func toolName(_ root: any ParsableCommand.Type) -> String {
        root.configuration.commandName
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "chronicle").lastPathComponent
    }

    /// The command names the arguments start with (`chronicle streams list`),
    /// the argument after them, and the subcommands of the command they name.
    private struct CommandPath {
        let path: String
        let next: String?
        let subcommands: [any ParsableCommand.Type]
    }

    private static func commandPath(_ root: any ParsableCommand.Type, arguments: [String]) -> CommandPath {
        var names = [toolName(root)]
        var current = root
        for argument in arguments {
            guard let next = current.configuration.subcommands.first(where: { subcommand in
                subcommand._commandName == argument || subcommand.configuration.aliases.contains(argument)
            }) else {
                return CommandPath(
                    path: names.joined(separator: " "), next: argument, subcommands: current.configuration.subcommands)
            }
            names.append(next._commandName)
            current = next
        }
        return CommandPath(path: names.joined(separator: " "), next: nil, subcommands: current.configuration.subcommands)
    }
}
