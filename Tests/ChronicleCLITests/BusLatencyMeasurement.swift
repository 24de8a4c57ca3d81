import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import ProcessTestSupport
import Testing

/// Measures, and does not assert, the latency from a publish in this process
/// to the line a `chronicle bus consume` process prints for it: 200 messages
/// published one at a time at about 20 a second. Off unless asked for:
///
///     CHRONICLE_BUS_LATENCY=1 swift test --filter BusLatencyMeasurement
@Suite("bus end-to-end latency (measurement)")
struct BusLatencyMeasurement {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CHRONICLE_BUS_LATENCY"] != nil))
    func publishToAnotherProcessesHandler() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bus.sqlite")
        let store = try await SQLiteEventStore(path: path)
        defer { try? store.close() }
        let scenarios = BusProcessScenarios(location: path, bus: store.bus())
        let consumer = try BusConsumerProcess(member: "m", group: scenarios.group, store: path)
        defer { consumer.killIfRunning() }
        _ = try await scenarios.waitForFairShare(["m"])
        let count = 200
        var published: [UUID: ContinuousClock.Instant] = [:]
        for index in 0..<count {
            let event = NewEvent(type: "Ping", data: Data(#"{"n":\#(index)}"#.utf8))
            published[event.id] = .now
            try await store.bus().publish(event, to: "orders", key: "k\(index % 20)")
            try await Task.sleep(for: .milliseconds(50))
        }
        try await consumer.waitUntil("every message printed") { $0.count >= count }
        #expect(await consumer.interrupt() == 130)
        let latencies = consumer.arrivals.compactMap { arrival in published[arrival.record.id].map { arrival.at - $0 } }.sorted()
        #expect(latencies.count == count)
        func percentile(_ p: Double) -> Duration { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            "bus latency, publish to a handler in another process (SQLite, \(count) messages at ~20/s): "
                + "p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(latencies.last!)")
    }
}
