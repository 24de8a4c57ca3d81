import ArgumentParser
import ChronicleCLI

/// The root of the standalone `chronicle` tool.
struct ChronicleToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle",
        abstract: "Inspect and operate a Chronicle event store.",
        discussion: """
            The store is chosen with --store sqlite:PATH (or a bare path) or --store \
            postgres://USER:PASSWORD@HOST:PORT/DATABASE on each command, or with the CHRONICLE_STORE environment \
            variable. Only 'init' and 'append' create a missing store file, or Chronicle's tables in a PostgreSQL \
            database. Errors and output never show a password: postgres://USER:***@HOST….

            EXAMPLES
              chronicle init --store sqlite:events.sqlite
              chronicle init --store 'postgres://app:secret@db.internal/orders?sslmode=require'
              export CHRONICLE_STORE=events.sqlite
              chronicle append order-42 --type OrderPlaced --data '{"customer":"ada"}'
              chronicle streams list
              chronicle snapshots list
              chronicle tail --follow
              chronicle stats --max-lag 1000
              chronicle checkpoints list
              chronicle dlq list --subscriber order-summary

            \(ExitStatus.helpText)
            """,
        version: ChronicleCommands.version,
        subcommands: ChronicleCommands.storeCommands)
}
