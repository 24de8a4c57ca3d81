extension EventBus {
    /// Publishes delayed messages when they are due, until the task is cancelled.
    ///
    /// A placeholder until the scheduler lands: it waits for cancellation.
    /// ``EventBus/consume(_:handler:)`` runs it as a child task when
    /// ``ConsumerGroup/runsScheduler`` is set.
    ///
    /// ```swift
    /// try await bus.runScheduler()
    /// ```
    ///
    /// - Throws: Nothing but cancellation ends it; it returns when cancelled.
    public func runScheduler() async throws {
        let (never, _) = AsyncStream<Void>.makeStream()
        for await _ in never {}
    }
}
