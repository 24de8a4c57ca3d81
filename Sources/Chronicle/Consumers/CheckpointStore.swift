/// Where consumers keep their checkpoints, keyed by name.
///
/// ```swift
/// let start = try await checkpoints.checkpoint(named: "mailer")?.position ?? .none
/// for try await batch in store.subscribe(from: start.next) {
///     try await send(batch.events)
///     try await checkpoints.save(batch.position, named: "mailer")
/// }
/// ```
///
/// ## Implementation requirements
/// - ``save(_:named:)`` replaces the position (it may move backwards: a reset
///   or a manual rewind) and records the time. Position zero
///   (``GlobalPosition/none``) is a checkpoint like any other, not its absence.
///   A position below zero throws `EventStoreError` `.invalidArgument` and
///   changes nothing (`AppendValidation/checkCheckpoint(_:)`).
/// - ``reset(named:)`` removes the checkpoint; an unknown name is not an error.
/// - ``checkpoints()`` lists every checkpoint, sorted by name.
/// - Names are bytes: they compare and sort by their UTF-8 bytes, so two
///   canonically equivalent spellings (a precomposed `é` and `e` + U+0301) are
///   two checkpoints, as two stream names are.
/// - Safe to call from several tasks at once; concurrent saves of one name
///   leave one of the saved positions.
/// - `ChronicleTesting`'s `CheckpointStoreConformance` checks all of this; every
///   implementation runs it.
public protocol CheckpointStore: Sendable {
    /// The checkpoint of a consumer, or `nil` when it has none.
    ///
    /// - Parameter name: The consumer's name.
    /// - Returns: Its checkpoint.
    /// - Throws: A store error.
    func checkpoint(named name: String) async throws -> Checkpoint?

    /// Saves a consumer's position.
    ///
    /// - Parameters:
    ///   - position: Every event up to here has been processed.
    ///   - name: The consumer's name.
    /// - Throws: A store error.
    func save(_ position: GlobalPosition, named name: String) async throws

    /// Removes a consumer's checkpoint, so it starts from the beginning.
    ///
    /// - Parameter name: The consumer's name.
    /// - Throws: A store error.
    func reset(named name: String) async throws

    /// Every checkpoint, sorted by the names' UTF-8 bytes.
    ///
    /// - Returns: The checkpoints.
    /// - Throws: A store error.
    func checkpoints() async throws -> [Checkpoint]
}
