internal import ArgumentParser
internal import Chronicle

/// `chronicle backup DEST`: a consistent, self-contained copy of a store, made while it is in use.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a new file, consistently, while it is in use.",
        discussion: ChronicleCommands.discussion(
            """
            The copy holds every event, stream, checkpoint, snapshot and dead letter as of one
            moment, even while other processes append; it is one self-contained file (no -wal).
            The store is only read. DEST must not exist: an existing file is never overwritten.
            Prints what was copied: events, size and schema version.

            To restore: stop every writer, replace the store file with the copy, and delete the
            store's stale -wal and -shm files.

            EXAMPLES
              chronicle backup --store sqlite:bank.sqlite backups/bank-2026-12-04.sqlite
              chronicle backup bank-copy.sqlite --json
            """))

    @Argument(help: ArgumentHelp("Where the copy goes: a file path that does not exist yet.", valueName: "dest"))
    var destination: String

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.readOnly)
        defer { opened.close() }
        guard let backingUp = opened.capability((any StoreBackingUp).self) else {
            throw CommandError(.failure, "\(opened.backend.name) stores cannot be backed up by this command")
        }
        let backup = try await backingUp.backup(to: destination)
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object([
                    ("store", .string(opened.location.description)), ("destination", .string(backup.destination)),
                    ("events", .int(Int64(backup.eventCount))), ("size", .int(backup.size)),
                    ("schemaVersion", backup.schemaVersion.map { .int(Int64($0)) } ?? .null),
                ]).serialized())
        } else {
            let schema = backup.schemaVersion.map { ", schema version \($0)" } ?? ""
            out.line(
                "backed up \(opened.location) to \(backup.destination): \(backup.eventCount) events, "
                    + "\(backup.size) bytes\(schema)")
        }
    }
}
