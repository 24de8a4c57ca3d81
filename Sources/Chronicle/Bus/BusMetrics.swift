internal import CoreMetrics

/// The swift-metrics instruments of one consumer group member, labelled with the
/// group (and the partition where it applies).
///
/// | metric | kind | meaning |
/// |---|---|---|
/// | `chronicle_bus_delivered_total` | counter | messages handled |
/// | `chronicle_bus_failed_total` | counter | handler errors, retries included |
/// | `chronicle_bus_retried_total` | counter | handler calls that retried a message |
/// | `chronicle_bus_dead_lettered_total` | counter | messages parked after their last attempt |
/// | `chronicle_bus_expired_total` | counter | messages past their time to live |
/// | `chronicle_bus_handler_duration_seconds` | timer | one handler call |
/// | `chronicle_bus_lag_events` | gauge | per partition: log events after its oldest lane checkpoint up to the complete position |
/// | `chronicle_bus_circuit_open` | gauge | 1 while the member's breaker is open or half-open |
/// | `chronicle_bus_concurrency_limit` | gauge | handlers allowed at once |
struct BusMetrics: Sendable {
    let group: String
    let delivered: Counter
    let failed: Counter
    let retried: Counter
    let deadLettered: Counter
    let expired: Counter
    let handlerTime: Timer
    let circuitOpen: Gauge
    let concurrencyLimit: Gauge

    init(group: String) {
        self.group = group
        let dimensions = [("group", group)]
        delivered = Counter(label: "chronicle_bus_delivered_total", dimensions: dimensions)
        failed = Counter(label: "chronicle_bus_failed_total", dimensions: dimensions)
        retried = Counter(label: "chronicle_bus_retried_total", dimensions: dimensions)
        deadLettered = Counter(label: "chronicle_bus_dead_lettered_total", dimensions: dimensions)
        expired = Counter(label: "chronicle_bus_expired_total", dimensions: dimensions)
        handlerTime = Timer(label: "chronicle_bus_handler_duration_seconds", dimensions: dimensions)
        circuitOpen = Gauge(label: "chronicle_bus_circuit_open", dimensions: dimensions)
        concurrencyLimit = Gauge(label: "chronicle_bus_concurrency_limit", dimensions: dimensions)
    }

    /// The lag gauge of one partition.
    func lag(partition: Int) -> Gauge {
        Gauge(label: "chronicle_bus_lag_events", dimensions: [("group", group), ("partition", String(partition))])
    }
}
