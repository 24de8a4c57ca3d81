internal import Chronicle
internal import Foundation

/// The conditions a `chronicle bench` run measured under, printed with its figures.
struct BenchSettings: Sendable {
    /// Where the stores were: `"temporary file in DIR"` or the `--store` location.
    let store: String
    let durability: String
    /// The backend's name (`SQLite`), printed before its engine version.
    let backendName: String
    let scale: Double
    /// How many tasks append at once in `append-concurrent`.
    let writers: Int
    /// `"release"` or `"debug"`: figures of a debug build mean little.
    let build: String
    /// The version of the backend's database engine.
    let engineVersion: String
    let processors: Int
    /// The 1, 5 and 15 minute load averages before the first workload.
    let loadBefore: [Double]
    /// The same after the last workload (set when the run ends).
    var loadAfter: [Double] = []

    init(store: String, backend: any StoreBenchmarking, engineVersion: String?, durability: String, scale: Double, writers: Int) {
        self.store = store
        self.writers = writers
        self.durability = durability
        self.scale = scale
        #if DEBUG
            build = "debug"
        #else
            build = "release"
        #endif
        backendName = backend.name
        self.engineVersion = engineVersion ?? "unknown"
        processors = ProcessInfo.processInfo.activeProcessorCount
        loadBefore = Self.loadAverage()
    }

    /// The system's 1, 5 and 15 minute load averages (empty when unknown).
    static func loadAverage() -> [Double] {
        var averages = [Double](repeating: 0, count: 3)
        let count = averages.withUnsafeMutableBufferPointer { getloadavg($0.baseAddress!, 3) }
        return count == 3 ? averages.map { ($0 * 100).rounded() / 100 } : []
    }

    var json: JSONValue {
        .object([
            ("store", .string(store)), ("durability", .string(durability)), ("scale", .double(scale)),
            ("writers", .int(Int64(writers))),
            ("build", .string(build)), (backendName.lowercased(), .string(engineVersion)), ("processors", .int(Int64(processors))),
            ("load_average_before", .array(loadBefore.map(JSONValue.double))),
            ("load_average_after", .array(loadAfter.map(JSONValue.double))),
            ("chronicle", .string(ChronicleCommands.version)),
        ])
    }

    var text: String {
        let load = loadBefore.map { String(format: "%.2f", $0) }.joined(separator: " ")
        return "store: \(store); durability \(durability); scale \(scale == scale.rounded() ? String(Int(scale)) : String(scale)); "
            + "\(writers) writers; \(build) build; \(backendName) \(engineVersion); \(processors) processors; load average \(load)"
    }
}
