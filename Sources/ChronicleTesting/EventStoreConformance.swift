internal import Chronicle

/// The contract of ``EventStore`` as executable checks, run against every store
/// so that they behave the same: ``Chronicle/InMemoryEventStore``, `SQLiteEventStore`,
/// and (its ``logChecks``) ``OutOfOrderEventStore``, whose positions skip
/// numbers and commit out of order. A backend added later (a PostgreSQL store,
/// say) runs it the same way.
///
/// A new store implementation passes every check before it ships. Each check
/// needs a fresh, empty store created with default options. The contract
/// includes ``StreamCatalog`` and ``EventStoreImporting``: their checks fail for
/// a store that does not conform to them.
///
/// ```swift
/// @Test(arguments: EventStoreConformance.checks)
/// func sqlite(_ check: ConformanceCheck) async throws {
///     let store = try await SQLiteEventStore(path: temporaryPath())
///     try await check.run(against: store)
/// }
/// ```
public enum EventStoreConformance {
    /// Every check, grouped by topic.
    public static var checks: [ConformanceCheck] {
        logChecks + catalogChecks + importChecks
    }

    /// The checks of the log alone (``Chronicle/EventStore``), for a store that
    /// does not offer ``Chronicle/StreamCatalog`` or ``Chronicle/EventStoreImporting``.
    ///
    /// They hold for stores that declare dense positions and for those whose
    /// positions may skip numbers (``Chronicle/PositionDensity``): where a check
    /// names a position, it means the n-th event of the log.
    ///
    /// ```swift
    /// @Test(arguments: EventStoreConformance.logChecks)
    /// func log(_ check: ConformanceCheck) async throws {
    ///     try await check.run(against: OutOfOrderEventStore(skippingPositionEvery: 3))
    /// }
    /// ```
    public static var logChecks: [ConformanceCheck] {
        appendChecks + expectedVersionChecks + idempotencyChecks + readChecks + validationChecks
            + concurrencyChecks + subscriptionChecks + visibilityChecks
    }
}
