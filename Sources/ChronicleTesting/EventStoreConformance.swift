internal import Chronicle

/// The contract of ``EventStore`` as executable checks, run against every store
/// (in-memory, SQLite, PostgreSQL) so that they behave the same.
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
        appendChecks + expectedVersionChecks + idempotencyChecks + readChecks + validationChecks
            + concurrencyChecks + subscriptionChecks + catalogChecks + importChecks
    }
}
