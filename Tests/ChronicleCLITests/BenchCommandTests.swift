import Foundation
import ChronicleTesting
import ProcessTestSupport
import Testing

/// `chronicle bench` through the built executable: every workload runs and the
/// output has its documented shape (speed is not checked here).
@Suite("chronicle bench")
struct BenchCommandTests {
    static let workloads = [
        "append-single", "append-stream", "append-batch", "append-concurrent", "load", "load-snapshot", "replay-all",
        "projection-rebuild", "subscription-latency", "bus-throughput",
    ]

    /// Runs `chronicle` with `arguments`, expects success and returns its output parsed as one JSON object.
    static func benchJSON(_ arguments: [String]) async throws -> (run: ChronicleProcess.Output, object: [String: Any]) {
        let run = try await ChronicleProcess.run(arguments)
        #expect(run.status == 0, "\(run)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "\(run)")
        return (run, object)
    }

    @Test func jsonHasEveryWorkloadAndTheSettings() async throws {
        let (run, object) = try await Self.benchJSON(["bench", "--scale", "0.01", "--json"])
        #expect(run.outputLines.count == 1, "one JSON object on one line: \(run)")
        #expect(Set(object.keys) == Set(Self.workloads + ["settings"]))
        for workload in Self.workloads {
            let figures = try #require(object[workload] as? [String: Any], "\(workload)")
            for key in ["events_per_s", "ms", "p99_ms"] {
                let value = try #require(figures[key] as? Double, "\(workload).\(key)")
                #expect(value > 0, "\(workload).\(key)")
            }
            #expect((figures["events"] as? Int ?? 0) > 0, "\(workload) ran")
            #expect((figures["operations"] as? Int ?? 0) > 0, "\(workload) timed operations")
        }
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["durability"] as? String == "full")
        #expect(settings["scale"] as? Double == 0.01)
        #expect(settings["writers"] as? Int == 16)
        #expect(settings["build"] as? String != nil)
    }

    @Test func writersSetHowManyTasksAppendAtOnce() async throws {
        let (run, object) = try await Self.benchJSON([
            "bench", "--scale", "0.01", "--json", "--workload", "append-concurrent", "--writers", "3",
        ])
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["writers"] as? Int == 3)
        // 200 events at this scale, split over 3 tasks of 66 appends each.
        let figures = try #require(object["append-concurrent"] as? [String: Any], "\(run)")
        #expect(figures["events"] as? Int == 198)
    }

    @Test func aTableForChosenWorkloadsAtNormalDurability() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bench.sqlite")
        let run = try await ChronicleProcess.run([
            "bench", "--scale", "0.01", "--durability", "normal", "--workload", "append-batch", "load",
            "--store", "sqlite:\(path)",
        ])
        #expect(run.status == 0, "\(run)")
        let lines = run.outputLines
        #expect(lines.first?.contains("durability normal") == true, "\(run)")
        #expect(lines.count == 5, "settings, header, two rows, load after: \(run)")
        #expect(lines[1].hasPrefix("WORKLOAD"))
        #expect(lines[2].hasPrefix("append-batch"))
        #expect(lines[3].hasPrefix("load "))
        #expect(!FileManager.default.fileExists(atPath: path), "the bench removes the stores it created")
    }

    /// `store-append` and `codec` are not in a default run (the first test checks
    /// the keys) but run when named.
    @Test func workloadsOutsideTheDefaultRunWhenNamed() async throws {
        let (_, object) = try await Self.benchJSON([
            "bench", "--scale", "0.01", "--json", "--durability", "normal", "--workload", "store-append", "codec",
        ])
        #expect(Set(object.keys) == ["store-append", "codec", "settings"])
        let store = try #require(object["store-append"] as? [String: Any])
        #expect(store["events"] as? Int == 100, "one event per append at scale 0.01")
        #expect(store["operation"] as? String == "append")
        #expect((store["events_per_s"] as? Double ?? 0) > 0)
    }

    /// Every message published is delivered once to the group; each one is a
    /// latency sample (publish call to handler).
    @Test func busThroughputDeliversEveryMessage() async throws {
        let (_, object) = try await Self.benchJSON([
            "bench", "--scale", "0.01", "--json", "--durability", "normal", "--workload", "bus-throughput",
        ])
        #expect(Set(object.keys) == ["bus-throughput", "settings"])
        let bus = try #require(object["bus-throughput"] as? [String: Any])
        #expect(bus["events"] as? Int == 200, "20,000 messages at scale 0.01")
        #expect(bus["operations"] as? Int == 200, "a latency sample per message")
        #expect(bus["operation"] as? String == "delivery")
        let p50 = try #require(bus["p50_ms"] as? Double)
        let p99 = try #require(bus["p99_ms"] as? Double)
        #expect(p50 > 0 && p99 >= p50)
        #expect((bus["events_per_s"] as? Double ?? 0) > 0)
        #expect((bus["total_ms"] as? Double ?? 0) > 0)
    }

    @Test func refusesBadInput() async throws {
        let unknown = try await ChronicleProcess.run(["bench", "--workload", "fast"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown workload 'fast'"), "\(unknown)")
        let scale = try await ChronicleProcess.run(["bench", "--scale", "0"])
        #expect(scale.status == 2, "\(scale)")
        let durability = try await ChronicleProcess.run(["bench", "--durability", "off"])
        #expect(durability.status == 2, "\(durability)")
        let writers = try await ChronicleProcess.run(["bench", "--writers", "0"])
        #expect(writers.status == 2, "\(writers)")
        #expect(writers.standardError.contains("--writers must be 1 to 256, got 0"), "\(writers)")

        let directory = try TemporaryDirectory()
        let existing = directory.path("mine.sqlite")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let refused = try await ChronicleProcess.run(["bench", "--store", existing, "--scale", "0.01"])
        #expect(refused.status == 2, "\(refused)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == Data("keep me".utf8), "an existing file is never touched")
    }
}
