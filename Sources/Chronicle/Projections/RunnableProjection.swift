/// A projection together with where its checkpoint and dead letters live: what
/// a ``ProjectionRunner`` drives.
///
/// Chronicle provides ``CheckpointedProjection`` (any ``Projection``,
/// at-least-once) and the exactly-once runners of projections whose read model
/// shares the store's database: `SQLiteProjection` in `ChronicleSQLite`,
/// `PostgresProjection` in `ChroniclePostgres`.
///
/// ```swift
/// let runner = ProjectionRunner(store: store, projections: [
///     CheckpointedProjection(Mailer(), checkpoints: checkpoints, deadLetters: deadLetters),
/// ])
/// ```
///
/// ## Implementation requirements
/// - ``apply(_:through:)`` applies the events in order, then records `position`
///   as the checkpoint. When the handler throws for the event at index `i`, the
///   events before it stay applied with the checkpoint at event `i - 1` (or
///   unchanged when `i` is 0), and it throws `ProjectionApplyFailure` with `i`.
/// - ``park(_:error:attempts:skip:)`` records a dead letter and, when `skip` is
///   true, moves the checkpoint to the event's position.
/// - Exactly-once implementations read the committed checkpoint inside the
///   transaction that applies a batch, skip the events at or below it and never
///   move the checkpoint back: a batch delivered again (a restart after a
///   crash, a stale second runner) applies nothing twice. ``park(_:error:attempts:skip:)``
///   of an event at or below the committed checkpoint changes nothing (another
///   runner applied or parked it).
/// - ``reset()`` clears the read model, the checkpoint and the projection's dead
///   letters. Exactly-once implementations do each of these atomically.
/// - ``retry(_:deadLetter:advancingCheckpoint:)`` applies the event once, with
///   no retries, and removes the dead letter when the handler succeeds;
///   exactly-once implementations apply, move the checkpoint and remove in one
///   transaction. When the handler throws, the read model is left as before the
///   call (as far as the store allows) and the entry gets one more attempt and
///   the new error through ``DeadLetterStore/recordFailedRetry(id:error:)``.
/// - `ChronicleTesting`'s `ExactlyOnceProjectionConformance` checks the
///   exactly-once requirements; every exactly-once implementation runs it.
public protocol RunnableProjection: Sendable {
    /// The projection's stable name.
    var name: String { get }
    /// Which events it wants.
    var filter: EventFilter { get }
    /// Its retry policy.
    var failurePolicy: FailurePolicy { get }
    /// Whether its effects are exactly-once or at-least-once.
    var guarantee: DeliveryGuarantee { get }

    /// Gets the read model ready (create tables); called before the first batch.
    ///
    /// - Throws: A store error.
    func prepare() async throws

    /// The last position processed (``GlobalPosition/none`` when new).
    ///
    /// - Returns: The checkpoint.
    /// - Throws: A store error.
    func checkpoint() async throws -> GlobalPosition

    /// Applies events in order and moves the checkpoint to `position`.
    ///
    /// - Parameters:
    ///   - events: The events (possibly none, to move the checkpoint only).
    ///   - position: The checkpoint after them.
    /// - Throws: `ProjectionApplyFailure` when a handler throws; a store error otherwise.
    func apply(_ events: [EventRecord], through position: GlobalPosition) async throws

    /// Parks an event in the dead-letter store.
    ///
    /// - Parameters:
    ///   - event: The event given up on.
    ///   - error: The last error, as text.
    ///   - attempts: How many times the handler ran.
    ///   - skip: Whether to move the checkpoint past the event.
    /// - Throws: A store error.
    func park(_ event: EventRecord, error: String, attempts: Int, skip: Bool) async throws

    /// Clears the read model, the checkpoint and the projection's dead letters.
    ///
    /// - Throws: A store error, or the projection's reset error.
    func reset() async throws

    /// How many of the projection's events are parked.
    ///
    /// - Returns: The count.
    /// - Throws: A store error.
    func deadLetterCount() async throws -> Int

    /// Applies an event that was parked in the dead-letter store once more, and
    /// removes its entry when the handler succeeds. ``ProjectionRunner/retry(_:)``
    /// calls this after deciding whether the projection went past the event.
    ///
    /// With `advancingCheckpoint` false the projection skipped the event: it is
    /// applied out of order and the checkpoint stays. With `advancingCheckpoint`
    /// true the projection stopped at the event (its checkpoint is before it): the
    /// event is applied and the checkpoint moves to its position; when the
    /// checkpoint has reached the event meanwhile, the projection applied it
    /// already, so nothing is applied and the entry is removed.
    ///
    /// ```swift
    /// let result = try await runnable.retry(event, deadLetter: letter.id, advancingCheckpoint: false)
    /// ```
    ///
    /// - Parameters:
    ///   - event: The parked event, read back from the log.
    ///   - id: The dead letter's id.
    ///   - advancingCheckpoint: Whether the checkpoint moves to the event's position.
    /// - Returns: ``DeadLetterRetryResult/applied``, ``DeadLetterRetryResult/alreadyApplied``,
    ///   ``DeadLetterRetryResult/failed(_:)`` with the updated entry, or
    ///   ``DeadLetterRetryResult/gone`` when no entry has this id.
    /// - Throws: A store error (not the handler's error: that is a `.failed` result).
    func retry(_ event: EventRecord, deadLetter id: Int64, advancingCheckpoint: Bool) async throws
        -> DeadLetterRetryResult
}

/// A projection's handler threw for the event at ``index`` of a batch; the
/// events before it were applied and checkpointed.
@_spi(Implementing) public struct ProjectionApplyFailure: Error, Sendable {
    /// The index of the failed event in the batch.
    public let index: Int
    /// What the handler threw.
    public let cause: any Error

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - index: The failed event's index in the batch.
    ///   - cause: The handler's error.
    public init(index: Int, cause: any Error) {
        self.index = index
        self.cause = cause
    }
}
