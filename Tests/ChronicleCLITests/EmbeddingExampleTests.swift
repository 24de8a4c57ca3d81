import ArgumentParser
import Chronicle
import ChronicleCLI
import ChronicleTesting
import Testing

// The embedding example of Docs/CLI.md, compiled and run.

struct ShopAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-admin",
        discussion: ExitStatus.helpText,
        subcommands: ChronicleCommands.storeCommands + [ShopReport.self])
}

struct ShopReport: AsyncParsableCommand {
    @OptionGroup var storeOptions: StoreOptions  // --store / CHRONICLE_STORE
    @Flag var json = false

    func run() async throws {
        let opened = try await storeOptions.open(.existing)
        defer { opened.close() }
        let statistics = try await opened.store.statistics()
        var table = Table([.init("EVENTS", alignment: .right), .init("STREAMS", alignment: .right)])
        table.append([String(statistics.eventCount), String(statistics.streamCount)])
        table.print(to: .standardOutput)
    }
}

@Suite("Embedding ChronicleCLI")
struct EmbeddingExampleTests {
    @Test func anAppRunsItsOwnAndTheStoreCommands() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shop.sqlite")
        try await Fixtures.makeStore(at: path, events: 4)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--store", path]) == 0)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["streams", "list", "--store", path, "--json"]) == 0)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--store", directory.path("none")]) == 1)
        #expect(await CommandRunner.run(ShopAdmin.self, arguments: ["shop-report", "--bogus"]) == 2)
    }
}
