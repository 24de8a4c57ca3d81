internal import ArgumentParser
internal import Chronicle

/// `chronicle category-index status|on|off`: shows, builds or drops the
/// store's index of events by category (SQLite's; see ``Chronicle/CategoryIndexing``).
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
        let opened = try await storeOptions.open(action == .status ? .readOnly : .existing)
        defer { opened.close() }
        guard let index = opened.capability((any CategoryIndexing).self) else {
            throw CommandError(.failure, "\(opened.backend.name) stores have no category index")
        }
        let before = try await index.hasCategoryIndex()
        switch action {
        case .status: break
        case .on: try await index.setCategoryIndex(true)
        case .off: try await index.setCategoryIndex(false)
        }
        let after = try await index.hasCategoryIndex()
        let out = TextOutput.standardOutput
        if json {
            out.line(JSONValue.object([("categoryIndex", .bool(after)), ("changed", .bool(after != before))]).serialized())
        } else {
            let state = after ? "on" : "off"
            out.line(after == before ? "category index: \(state)" : "category index: \(state) (was \(before ? "on" : "off"))")
        }
    }
}
