/// Whether a store's global positions are numbered without holes.
///
/// Every store hands out positions that strictly increase in commit order as
/// readers see them (see ``EventStore/completePosition()``). Some also number
/// them densely: the log is exactly 1, 2, 3, … (the SQLite and in-memory stores,
/// whose single writer takes a position only when it commits). Others may skip a
/// number for good: a PostgreSQL sequence value taken by a transaction that
/// then rolls back is never used. A store declares which it is through
/// ``EventStore/positionDensity``; consumers that count, such as lag and
/// rebuild progress, subtract positions only for dense stores and otherwise ask
/// ``EventStore/eventCount(after:through:)``.
///
/// ```swift
/// let lag = store.positionDensity == .dense
///     ? head.rawValue - checkpoint.rawValue
///     : try await store.eventCount(after: checkpoint, through: head)
/// ```
public enum PositionDensity: String, Hashable, Sendable, CustomStringConvertible {
    /// Positions are 1, 2, 3, … with no number skipped: the number of events
    /// between two positions is their difference.
    case dense
    /// Positions strictly increase but may skip numbers (a rolled-back
    /// transaction's position never appears): count events, don't subtract.
    case mayHaveGaps

    public var description: String { rawValue }
}
