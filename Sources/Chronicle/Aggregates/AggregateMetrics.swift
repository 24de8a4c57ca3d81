internal import Metrics

/// The counters an ``AggregateRepository`` reports, with the aggregate's category
/// as dimension. Names are documented in Docs/Aggregates.md.
struct AggregateMetrics: Sendable {
    static let conflictsLabel = "chronicle_aggregate_conflicts_total"
    static let snapshotsSavedLabel = "chronicle_snapshots_saved_total"
    static let snapshotsCorruptLabel = "chronicle_snapshots_corrupt_total"
    static let snapshotFailuresLabel = "chronicle_snapshot_failures_total"

    let conflicts: Counter
    let snapshotsSaved: Counter
    let snapshotsCorrupt: Counter
    let snapshotLoadFailures: Counter
    let snapshotSaveFailures: Counter

    init(category: String, factory: any MetricsFactory) {
        let dimensions = [("category", category)]
        conflicts = Counter(label: Self.conflictsLabel, dimensions: dimensions, factory: factory)
        snapshotsSaved = Counter(label: Self.snapshotsSavedLabel, dimensions: dimensions, factory: factory)
        snapshotsCorrupt = Counter(label: Self.snapshotsCorruptLabel, dimensions: dimensions, factory: factory)
        snapshotLoadFailures = Counter(
            label: Self.snapshotFailuresLabel, dimensions: dimensions + [("operation", "load")], factory: factory)
        snapshotSaveFailures = Counter(
            label: Self.snapshotFailuresLabel, dimensions: dimensions + [("operation", "save")], factory: factory)
    }
}
