internal import CoreMetrics

/// What the delayed-message scheduler reports (swift-metrics).
struct SchedulerMetrics: Sendable {
    /// Scheduled messages read and not yet published.
    let pending = Gauge(label: "chronicle_bus_scheduled_pending")
    /// Delayed messages published when due.
    let published = Counter(label: "chronicle_bus_scheduled_published_total")
    /// How late a message was published: publish time minus its due time.
    let delay = Timer(label: "chronicle_bus_scheduled_delay_seconds")
}
