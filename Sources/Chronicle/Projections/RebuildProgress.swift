/// How far a rebuild has come: reported after every batch.
///
/// ```swift
/// try await runner.rebuild("order-summary") { progress in
///     print("\(progress.done)/\(progress.total) events, \(Int(progress.eventsPerSecond))/s")
/// }
/// ```
public struct RebuildProgress: Hashable, Sendable {
    /// The projection being rebuilt.
    public let projection: String
    /// Log positions replayed so far.
    public let done: Int64
    /// Log positions to replay (the head when the rebuild started).
    public let total: Int64
    /// Seconds since the rebuild started.
    public let elapsed: Double

    /// Creates a progress report.
    ///
    /// - Parameters:
    ///   - projection: The projection.
    ///   - done: Positions replayed.
    ///   - total: Positions to replay.
    ///   - elapsed: Seconds so far.
    public init(projection: String, done: Int64, total: Int64, elapsed: Double) {
        self.projection = projection
        self.done = done
        self.total = total
        self.elapsed = elapsed
    }

    /// The fraction done, 0 to 1.
    public var fraction: Double { total == 0 ? 1 : min(1, Double(done) / Double(total)) }
    /// Positions replayed per second so far.
    public var eventsPerSecond: Double { elapsed > 0 ? Double(done) / elapsed : 0 }
    /// Seconds left at the rate so far; `nil` before the rate is known.
    public var secondsRemaining: Double? {
        let rate = eventsPerSecond
        return rate > 0 ? Double(max(0, total - done)) / rate : nil
    }
}
