internal import ArgumentParser
internal import ChronicleSQLite

/// `chronicle category-index status|on|off`: shows, builds or drops the SQLite
/// store's index of events by category.
struct CategoryIndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "category-index",
        abstract: "Show, build or drop the index of events by category.",
        discussion: ChronicleCommands.discussion(
            """
            Category reads (`tail --category`, category subscriptions and projections) use the
            index to skip other categories' events; without it they filter the log as they read
            it. Every append keeps the index, which costs a tenth to a fifth of an uncontended
            append. New stores have none. `on` reads the whole log once and holds the write lock
            meanwhile; `off` is quick. Neither changes any event.

            EXAMPLES
              chronicle category-index status --store sqlite:events.sqlite
              chronicle category-index on --json
            """))

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case status, on, off
    }

    @Argument(help: "status (the default), on or off.")
    var action: Action = .status

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let before = try await opened.sqlite.hasCategoryIndex()
        switch action {
        case .status: break
        case .on: try await opened.sqlite.setCategoryIndex(true)
        case .off: try await opened.sqlite.setCategoryIndex(false)
        }
        let after = try await opened.sqlite.hasCategoryIndex()
        let out = TextOutput.standardOutput
        if json {
            out.line(JSONValue.object([("categoryIndex", .bool(after)), ("changed", .bool(after != before))]).serialized())
        } else {
            let state = after ? "on" : "off"
            out.line(after == before ? "category index: \(state)" : "category index: \(state) (was \(before ? "on" : "off"))")
        }
    }
}
