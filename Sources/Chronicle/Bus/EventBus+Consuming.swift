extension EventBus {
    /// Joins `group` as a member and handles its messages until the task is
    /// cancelled (returns normally) or the failure policy says stop (throws).
    ///
    /// The member takes its fair share of the group's partitions (leases shared
    /// with the other members, in this or other processes), and handles each
    /// partition's messages in order: the group's redeliveries first, then its
    /// topics by priority. At-least-once (the default): a lane's checkpoint is
    /// saved after a run of handled messages, so a crash delivers the last few
    /// again. At-most-once (``ConsumerGroup/guarantee`` `.atMostOnce`): the
    /// checkpoint is saved before the handler runs; a failing message is lost
    /// (counted and logged), never retried. A failing handler is retried by
    /// ``ConsumerGroup/failurePolicy`` (the partition waits, keeping per-stream
    /// order), then the message is parked as a dead letter, or the member stops.
    ///
    /// ```swift
    /// let group = try ConsumerGroup("payments", topics: ["orders"])
    /// try await bus.consume(group) { message in try await charge(message) }
    /// ```
    ///
    /// - Parameters:
    ///   - group: The group and this member's settings.
    ///   - handler: Handles one message; throwing counts as a failed attempt, except
    ///     `CancellationError`, which gives the message up: its partition stops (saving
    ///     what was handled, releasing its lease) and the message is delivered again.
    /// - Throws: ``BusError`` (`stopped` when attempts ran out under `.stop`,
    ///   `partitionCountMismatch`, `memberInUse`), ``EventStoreError``
    ///   (`invalidArgument` for bad settings; storage errors).
    public func consume(
        _ group: ConsumerGroup, handler: @escaping @Sendable (ReceivedMessage) async throws -> Void
    ) async throws {
        try await GroupMember(runtime: ConsumerRuntime(bus: self, group: group, delivery: .handler(handler))).run()
    }

    /// Joins `group` with a transactional handler: the exactly-once effect.
    ///
    /// For each message the runtime calls `inbox.handle(message, checkpoint:position:)`,
    /// which commits the handler's writes, the message id and the lane's
    /// checkpoint in one transaction; everything else (partitions, retries, dead
    /// letters, the circuit breaker) is as in ``consume(_:handler:)``.
    ///
    /// ```swift
    /// try await bus.consume(group, inbox: store.inbox { message, db in try record(message, in: db) })
    /// ```
    ///
    /// - Parameters:
    ///   - group: The group.
    ///   - inbox: The transactional handler.
    /// - Throws: As ``consume(_:handler:)``.
    public func consume(_ group: ConsumerGroup, inbox: some TransactionalMessageHandler) async throws {
        try await GroupMember(runtime: ConsumerRuntime(bus: self, group: group, delivery: .inbox(inbox))).run()
    }

    /// A member of `group` as a `Service` with statistics (see ``BusConsumer``).
    ///
    /// ```swift
    /// let consumer = bus.consumer(group) { message in try await handle(message) }
    /// ```
    ///
    /// - Parameters:
    ///   - group: The group.
    ///   - handler: Handles one message.
    /// - Returns: The consumer; nothing runs until its `run()`.
    public func consumer(
        _ group: ConsumerGroup, handler: @escaping @Sendable (ReceivedMessage) async throws -> Void
    ) -> BusConsumer {
        BusConsumer(bus: self, group: group, delivery: .handler(handler))
    }

    /// A member of `group` with a transactional handler, as a `Service`.
    ///
    /// ```swift
    /// let consumer = bus.consumer(group, inbox: store.inbox(handler))
    /// ```
    ///
    /// - Parameters:
    ///   - group: The group.
    ///   - inbox: The transactional handler.
    /// - Returns: The consumer; nothing runs until its `run()`.
    public func consumer(_ group: ConsumerGroup, inbox: some TransactionalMessageHandler) -> BusConsumer {
        BusConsumer(bus: self, group: group, delivery: .inbox(inbox))
    }
}
