/// An event store that can take events recorded elsewhere with their ids,
/// versions, recorded-at times and (optionally) positions: restoring a backup,
/// copying a store, moving between backends.
///
/// ``EventStore/append(_:)`` gives events new positions and the current time;
/// an import keeps what the records say. Each call is one atomic transaction,
/// and records already present at the same place are skipped, so an import
/// interrupted at any point (even by a crash) and run again from the start ends
/// with every event exactly once.
///
/// ```swift
/// var batch: [EventRecord] = []
/// for try await record in source.events(from: .start) {
///     batch.append(record)
///     if batch.count == 500 {
///         try await target.importEvents(batch, positions: .keep)
///         batch.removeAll()
///     }
/// }
/// try await target.importEvents(batch, positions: .keep)
/// ```
///
/// ## Implementation requirements
/// - One call is atomic: every record is written or skipped, or nothing is.
/// - Records apply in order. A record whose id is already stored in the same
///   stream at the same version (and, with ``ImportPositions/keep``, at the same
///   position) is skipped; an id stored anywhere else throws
///   ``EventStoreError/duplicateEvent``.
/// - A record to write must have the version right after its stream's current
///   version, or the call throws ``EventStoreError/wrongExpectedVersion``
///   naming the stream, `.exactly(version - 1)` and the actual version.
/// - With ``ImportPositions/keep`` its position must be the store's next
///   position (head + 1), or the call throws ``EventStoreError/invalidArgument``;
///   with ``ImportPositions/assignAfterHead`` it gets the next position.
/// - The record's recorded-at time is stored as given (to the store's precision)
///   and becomes its stream's `updatedAt` in ``StreamCatalog``.
/// - Records pass the same checks as appended events (type name, schema
///   version, size, ids repeated in one call): see `AppendValidation`.
/// - Run `EventStoreConformance` from `ChronicleTesting`: its import checks are
///   the executable form of these rules.
public protocol EventStoreImporting: EventStore {
    /// Writes events with the ids, versions and recorded-at times of their
    /// records, in one transaction, skipping those already present.
    ///
    /// ```swift
    /// let result = try await store.importEvents(records, positions: .keep)
    /// ```
    ///
    /// - Parameters:
    ///   - records: Events as read from another store or an export, in log order.
    ///   - positions: Whether the records keep their positions or get new ones after the head.
    /// - Returns: How many events were written and skipped, and the positions written.
    /// - Throws: ``EventStoreError`` (duplicate event, wrong version, a position
    ///   that is not the next one, invalid or oversized event, storage errors);
    ///   nothing is written then.
    @discardableResult
    func importEvents(_ records: [EventRecord], positions: ImportPositions) async throws -> ImportResult
}
