internal import Foundation

/// Prints `chronicle bench` results: a table row per workload as it finishes, or
/// one JSON object at the end.
struct BenchReport {
    private var table = Table([
        .init("WORKLOAD", style: .cyan), .init("EVENTS", alignment: .right), .init("EVENTS/S", alignment: .right),
        .init("MS", alignment: .right), .init("P99 MS", alignment: .right), .init("MS OF", style: .dim),
    ])
    private var widths = [20, 7, 10, 9, 8, 0]
    private var printedHeader = false

    /// Prints one row.
    mutating func printRow(_ result: BenchResult, to output: TextOutput) {
        table.removeAllRows()
        let workload = result.workload
        table.append([
            workload.rawValue, Formatting.count(result.events), Formatting.count(Int64(result.eventsPerSecond.rounded())),
            Self.milliseconds(result.milliseconds), Self.milliseconds(result.samples.percentile(0.99)),
            workload.timesWholeRun ? "whole run (p99: \(workload.operation))" : "median \(workload.operation)",
        ])
        table.print(to: output, header: !printedHeader, widths: &widths)
        printedHeader = true
        output.flush()
    }

    static func milliseconds(_ value: Double) -> String {
        String(format: value < 10 ? "%.3f" : value < 1_000 ? "%.1f" : "%.0f", value)
    }

    /// The whole run as one JSON object: a member per workload, then `settings`.
    static func json(_ results: [BenchResult], settings: BenchSettings) -> JSONValue {
        var members: [(String, JSONValue)] = results.map { result in
            (
                result.workload.rawValue,
                .object([
                    ("events_per_s", .double(rounded(result.eventsPerSecond, 1))),
                    ("ms", .double(rounded(result.milliseconds, 4))),
                    ("p50_ms", .double(rounded(result.samples.percentile(0.5), 4))),
                    ("p99_ms", .double(rounded(result.samples.percentile(0.99), 4))),
                    ("total_ms", .double(rounded(result.seconds * 1_000, 3))),
                    ("cpu_us_per_event", .double(rounded(result.cpuSeconds * 1e6 / Double(max(1, result.events)), 2))),
                    ("events", .int(Int64(result.events))),
                    ("operations", .int(Int64(result.samples.count))),
                    ("operation", .string(result.workload.operation)),
                ])
            )
        }
        members.append(("settings", settings.json))
        return .object(members)
    }

    private static func rounded(_ value: Double, _ digits: Int) -> Double {
        let factor = pow(10, Double(digits))
        return (value * factor).rounded() / factor
    }
}
