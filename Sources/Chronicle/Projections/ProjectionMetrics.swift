internal import CoreMetrics

/// The swift-metrics instruments of one projection, labelled with its name.
///
/// | metric | kind | meaning |
/// |---|---|---|
/// | `chronicle_projection_events_handled_total` | counter | events applied |
/// | `chronicle_projection_batch_duration_seconds` | timer | time to apply and checkpoint one batch |
/// | `chronicle_projection_handler_failures_total` | counter | handler errors, retries included |
/// | `chronicle_projection_dead_lettered_total` | counter | events parked after their last attempt |
/// | `chronicle_projection_lag_events` | gauge | events after the checkpoint up to the complete position |
struct ProjectionMetrics: Sendable {
    let handled: Counter
    let batchDuration: Timer
    let failures: Counter
    let deadLettered: Counter
    let lag: Gauge

    init(projection: String) {
        let dimensions = [("projection", projection)]
        handled = Counter(label: "chronicle_projection_events_handled_total", dimensions: dimensions)
        batchDuration = Timer(label: "chronicle_projection_batch_duration_seconds", dimensions: dimensions)
        failures = Counter(label: "chronicle_projection_handler_failures_total", dimensions: dimensions)
        deadLettered = Counter(label: "chronicle_projection_dead_lettered_total", dimensions: dimensions)
        lag = Gauge(label: "chronicle_projection_lag_events", dimensions: dimensions)
    }
}
