internal import ArgumentParser

/// `chronicle events`: the group of `export` and `import`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Export the log to JSON Lines, or import it back.",
        discussion: ChronicleCommands.discussion(
            """
            One event per line, every field:
              {"position":17,"stream":"order-42","version":3,"id":"…","type":"OrderPaid","schemaVersion":1,
               "data":{…},"metadata":{…},"recordedAt":"2024-05-01T10:00:00.123456Z"}
            data is the stored JSON itself; payloads that are not single-line JSON are written as
            "dataBase64" instead, so that an import restores the exact bytes.

            EXAMPLES
              chronicle events export --store events.sqlite --output backup.jsonl
              chronicle init --store copy.sqlite && chronicle events import backup.jsonl --store copy.sqlite
            """),
        subcommands: [EventsExportCommand.self, EventsImportCommand.self])
}
