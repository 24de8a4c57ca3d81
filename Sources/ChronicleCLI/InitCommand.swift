internal import ArgumentParser
internal import Chronicle

/// `chronicle init`: creates a store, or migrates an existing one, and prints its schema version.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a store, or migrate an existing one to this version's schema.",
        discussion: ChronicleCommands.discussion(
            """
            Prints the schema version. Running it on an existing store is safe: it only migrates.

            EXAMPLES
              chronicle init --store sqlite:events.sqlite
              CHRONICLE_STORE=events.sqlite chronicle init --json
            """))

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.createIfMissing)
        defer { opened.close() }
        let schemaVersion = try await opened.schemaVersion()
        let out = TextOutput.standardOutput
        if json {
            out.line(
                JSONValue.object([
                    ("store", .string(opened.location.description)), ("schemaVersion", schemaVersion.map { .int(Int64($0)) } ?? .null),
                    ("created", .bool(opened.wasCreated)),
                ]).serialized())
        } else {
            let verb = opened.wasCreated ? "created" : "opened"
            out.line("\(verb) store \(opened.location)" + (schemaVersion.map { " (schema version \($0))" } ?? ""))
        }
    }
}
