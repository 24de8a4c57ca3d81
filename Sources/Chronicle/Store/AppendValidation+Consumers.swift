extension AppendValidation {
    /// Rejects a checkpoint position below zero, before a checkpoint store writes.
    ///
    /// Every ``CheckpointStore`` runs it in ``CheckpointStore/save(_:named:)``,
    /// so that all backends reject the same input with the same error.
    ///
    /// ```swift
    /// try AppendValidation.checkCheckpoint(position)
    /// ```
    ///
    /// - Parameter position: The position to save.
    /// - Throws: ``EventStoreError`` `.invalidArgument` when it is below 0.
    public static func checkCheckpoint(_ position: GlobalPosition) throws {
        if position < .none {
            throw EventStoreError.invalidArgument("a checkpoint position must be at least 0, got \(position)")
        }
    }

    /// Rejects a dead letter with fewer than one attempt, before a dead-letter
    /// store writes.
    ///
    /// Every ``DeadLetterStore`` runs it in
    /// ``DeadLetterStore/park(_:consumer:error:attempts:)``: an event is parked
    /// after its handler ran at least once.
    ///
    /// ```swift
    /// try AppendValidation.checkAttempts(attempts)
    /// ```
    ///
    /// - Parameter attempts: How many times the handler ran.
    /// - Throws: ``EventStoreError`` `.invalidArgument` when it is below 1.
    public static func checkAttempts(_ attempts: Int) throws {
        if attempts < 1 { throw EventStoreError.invalidArgument("a dead letter needs at least 1 attempt, got \(attempts)") }
    }
}
