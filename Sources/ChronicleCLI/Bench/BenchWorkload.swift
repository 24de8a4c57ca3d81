/// The workloads of `chronicle bench`, in the order they run.
enum BenchWorkload: String, CaseIterable, Sendable {
    case appendSingle = "append-single"
    case appendStream = "append-stream"
    case appendBatch = "append-batch"
    case appendConcurrent = "append-concurrent"
    case load
    case loadSnapshot = "load-snapshot"
    case replayAll = "replay-all"
    case projectionRebuild = "projection-rebuild"
    case subscriptionLatency = "subscription-latency"
    case busThroughput = "bus-throughput"
    case codec
    case storeAppend = "store-append"

    /// The workloads a run without `--workload` runs.
    static let standard = allCases.filter { !$0.runsOnlyWhenNamed }

    /// Not one of the workloads: run only when named.
    var runsOnlyWhenNamed: Bool { self == .codec || self == .storeAppend }

    /// What the workload does, at scale 1.
    var summary: String {
        switch self {
        case .appendSingle: return "10,000 new orders, one event each, one append each"
        case .appendStream: return "one order, 10,000 events, one append per event with its expected version"
        case .appendBatch: return "1,000 new orders, 10 events each in one append"
        case .appendConcurrent: return "--writers tasks (16), each appending single events to its own order, 20,000 in all"
        case .load: return "load (replay) a 1,000-event order: median of 50 loads"
        case .loadSnapshot: return "the same order loaded from a snapshot at its last version: median of 50"
        case .replayAll: return "read and decode the whole log (30,000 events) in order into typed events"
        case .projectionRebuild: return "rebuild a projection counting events per type into a table of the store"
        case .subscriptionLatency: return "from calling append to an in-process subscriber receiving it"
        case .busThroughput:
            return "publish 20,000 messages, 100 per call over 1,000 keys, to a group of 8 partitions in the process"
        case .codec: return "(only when named) encode and decode the events: JSONEventCodec, then Foundation's coders"
        case .storeAppend:
            return "(only when named) append-single's appends of one encoded event through EventStore.append: the store alone"
        }
    }

    /// Whether the headline time is the whole run (one long operation) rather than
    /// the median operation.
    var timesWholeRun: Bool { self == .replayAll || self == .projectionRebuild || self == .codec }

    /// What one sample of the workload's percentiles is.
    var operation: String {
        switch self {
        case .appendSingle, .appendStream, .appendBatch, .appendConcurrent, .storeAppend: return "append"
        case .load, .loadSnapshot: return "load"
        case .replayAll: return "page of 1,000"
        case .projectionRebuild: return "batch"
        case .subscriptionLatency, .busThroughput: return "delivery"
        case .codec: return "round of 1,000"
        }
    }

    /// Runs the workload on a fresh store.
    func run(_ bench: BenchContext) async throws -> BenchResult {
        switch self {
        case .appendSingle: return try await BenchAppendWorkloads.single(bench)
        case .appendStream: return try await BenchAppendWorkloads.stream(bench)
        case .appendBatch: return try await BenchAppendWorkloads.batch(bench)
        case .appendConcurrent: return try await BenchAppendWorkloads.concurrent(bench)
        case .load: return try await BenchReadWorkloads.load(bench, snapshot: false)
        case .loadSnapshot: return try await BenchReadWorkloads.load(bench, snapshot: true)
        case .replayAll: return try await BenchReadWorkloads.replayAll(bench)
        case .projectionRebuild: return try await BenchProjectionWorkload.rebuild(bench)
        case .subscriptionLatency: return try await BenchSubscriptionWorkload.latency(bench)
        case .busThroughput: return try await BenchBusWorkload.throughput(bench)
        case .codec: return try BenchCodecWorkload.run(bench)
        case .storeAppend: return try await BenchAppendWorkloads.storeAlone(bench)
        }
    }
}
