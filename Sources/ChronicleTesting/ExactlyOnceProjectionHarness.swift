public import Chronicle
public import Foundation

/// What ``ExactlyOnceProjectionConformance`` needs from a backend: a store,
/// its dead letters, and exactly-once projections over a small read model.
///
/// The read model has one row per event id holding how many times the event
/// was applied. The handler first writes (adds one application for the event),
/// then, when `failing` says so, throws: a rollback is then visible as a
/// missing application. Every projection the harness makes with one name shares
/// that name's read model, checkpoint and dead letters, as two processes
/// running the same projection on one database do.
///
/// ```swift
/// struct SQLiteHarness: ExactlyOnceProjectionHarness {
///     let sqlite: SQLiteEventStore
///     var store: any EventStore { sqlite }
///     var deadLetters: any DeadLetterStore { sqlite.deadLetters }
///     func projection(named name: String, failing: @escaping @Sendable (EventRecord) -> Bool) async throws
///         -> any RunnableProjection
///     {
///         sqlite.exactlyOnce(CountingProjection(name: name, failing: failing))
///     }
///     func applications(of name: String) async throws -> [UUID: Int] { ... }
/// }
/// ```
public protocol ExactlyOnceProjectionHarness: Sendable {
    /// The event store the projections read; the checks append their events to it.
    var store: any EventStore { get }

    /// Where the projections park events.
    var deadLetters: any DeadLetterStore { get }

    /// An exactly-once projection named `name`, whose handler adds one
    /// application of the event to the read model and then throws when
    /// `failing` returns true for the event.
    ///
    /// - Parameters:
    ///   - name: The projection's name (its read model, checkpoint and dead letters).
    ///   - failing: Whether the handler throws for an event, asked on every call.
    /// - Returns: The runnable projection, `DeliveryGuarantee/exactlyOnce`.
    /// - Throws: A store error.
    func projection(named name: String, failing: @escaping @Sendable (EventRecord) -> Bool) async throws
        -> any RunnableProjection

    /// The read model of the projection `name`, as committed.
    ///
    /// - Parameter name: The projection's name.
    /// - Returns: How many times each event was applied, by event id (absent: never).
    /// - Throws: A store error.
    func applications(of name: String) async throws -> [UUID: Int]
}
