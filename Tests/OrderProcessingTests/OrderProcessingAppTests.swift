import ChronicleTesting
import Foundation
import GRDB
import Testing

/// Runs the built `order-processing` executable with its output in files (no
/// pipes to drain, so no deadlock on large output and no EINTR from SIGCHLD).
func runOrderProcessing(
    _ arguments: [String], in directory: TemporaryDirectory, environment: [String: String] = [:]
) async throws -> (status: Int32, output: String, errors: String) {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("order-processing")
    let outPath = directory.path("stdout-\(UUID().uuidString)")
    let errPath = directory.path("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.currentDirectoryURL = directory.url
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let status = await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            process.waitUntilExit()
            continuation.resume(returning: process.terminationStatus)
        }
    }
    return (
        status, try String(contentsOfFile: outPath, encoding: .utf8), try String(contentsOfFile: errPath, encoding: .utf8)
    )
}

/// Every read-model table of the sample, row by row.
func readModelTables(at path: String) async throws -> [String: [String]] {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try await queue.read { db in
        var tables: [String: [String]] = [:]
        for table in [
            "order_summary", "sales_by_product", "sales_order_lines", "sales_paid_orders", "stock_levels",
        ] {
            tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map(\.description).sorted()
        }
        return tables
    }
}

@Suite("order-processing executable")
struct OrderProcessingAppTests {
    @Test func demoThenRebuildAllLeavesEveryReadModelTableIdentical() async throws {
        let directory = try TemporaryDirectory()
        let demo = try await runOrderProcessing(["demo", "--orders", "60"], in: directory)
        #expect(demo.status == 0, "\(demo.errors)")
        #expect(demo.output.contains("Orders by status (order-summary)"))
        #expect(demo.output.contains("Sales by product (sales-by-product)"))
        // The demo closes its store: one self-contained file, no write-ahead log beside it.
        let wal = directory.path("order-processing.sqlite-wal")
        #expect(!FileManager.default.fileExists(atPath: wal), "the demo left \(wal)")
        let store = directory.path("order-processing.sqlite")
        let live = try await readModelTables(at: store)
        #expect(live["order_summary"]?.count == 60)
        #expect(live["sales_by_product"]?.isEmpty == false)

        let rebuild = try await runOrderProcessing(["projections", "rebuild", "--all", "--yes"], in: directory)
        #expect(rebuild.status == 0, "\(rebuild.errors)")
        #expect(rebuild.output.contains("rebuilt order-summary"))
        #expect(rebuild.output.contains("rebuilt sales-by-product"))
        #expect(try await readModelTables(at: store) == live)
    }

    @Test func placeAndOrdersWorkOnTheDemoStoreAndBadInputIsOneLine() async throws {
        let directory = try TemporaryDirectory()
        let store = directory.path("shop.sqlite")
        #expect(try await runOrderProcessing(["demo", "--orders", "5", "--store", store], in: directory).status == 0)
        let placed = try await runOrderProcessing(
            ["place", "--store", store, "--customer", "ada", "--item", "TEA-GREEN:2", "--item", "MUG-BLUE:1"],
            in: directory)
        #expect(placed.status == 0, "\(placed.errors)")
        let id = try #require(placed.output.split(separator: " ").dropFirst().first.map(String.init))
        let orders = try await runOrderProcessing(["orders", "--store", store, "--json", "--limit", "100"], in: directory)
        #expect(orders.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(orders.output.utf8)) as? [[String: Any]])
        let ada = try #require(rows.first { $0["orderId"] as? String == id })
        #expect(ada["totalCents"] as? Int == 2 * 650 + 1_350)
        #expect(ada["status"] as? String == "placed")

        let unknown = try await runOrderProcessing(
            ["place", "--store", store, "--customer", "bo", "--item", "NOPE:1"], in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.errors.split(separator: "\n").count == 1, "one line: \(unknown.errors)")
        #expect(unknown.errors.contains("unknown product 'NOPE'"))
        let missing = try await runOrderProcessing(["orders", "--store", directory.path("none.sqlite")], in: directory)
        #expect(missing.status == 1)
        #expect(missing.errors.contains("no store at"))
    }
}
