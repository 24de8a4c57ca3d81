public import Chronicle

/// A given/when/then fixture for aggregates: given past events, when a command,
/// then the new events it returns, or the error it throws.
///
/// The fixture runs the real path: the given events are encoded through the
/// registry and appended to an `InMemoryEventStore`, and the command runs
/// through an `AggregateRepository`, so handlers, coding and metadata are
/// exercised as in production. Failures are thrown as ``AggregateSpecFailure``
/// with both event lists written out; no test framework is imported.
///
/// ```swift
/// @Test func payingAPlacedOrder() async throws {
///     try await AggregateSpec<Order>(id: "42")
///         .given(OrderPlaced(customer: "ada", total: 30))
///         .when { order in try order.pay(amount: 30) }
///         .then(OrderPaid(amount: 30))
/// }
///
/// @Test func payingTwice() async throws {
///     try await AggregateSpec<Order>(id: "42")
///         .given(OrderPlaced(customer: "ada", total: 30), OrderPaid(amount: 30))
///         .when { order in try order.pay(amount: 30) }
///         .thenThrows(OrderError.alreadyPaid)
/// }
/// ```
public struct AggregateSpec<A: Aggregate>: Sendable {
    /// The aggregate's identifier.
    public let id: A.ID
    /// The registry events are coded with (plus the aggregate's handled types).
    public let registry: EventTypeRegistry
    let history: [any DomainEvent]

    /// Creates a fixture for one aggregate with no past events.
    ///
    /// ```swift
    /// let spec = AggregateSpec<Order>(id: "42")
    /// ```
    ///
    /// - Parameters:
    ///   - id: The aggregate's identifier.
    ///   - registry: Event types beyond those the aggregate handles (for events
    ///     its commands return but it does not handle); empty JSON by default.
    public init(id: A.ID, registry: EventTypeRegistry = EventTypeRegistry()) {
        self.id = id
        self.registry = registry
        self.history = []
    }

    private init(id: A.ID, registry: EventTypeRegistry, history: [any DomainEvent]) {
        self.id = id
        self.registry = registry
        self.history = history
    }

    /// Adds past events: the aggregate's stream holds them, in order, before the command.
    ///
    /// ```swift
    /// spec.given(OrderPlaced(customer: "ada", total: 30), OrderPaid(amount: 30))
    /// ```
    ///
    /// - Parameter events: Events the aggregate handles.
    /// - Returns: The fixture with those events after any given before.
    public func given(_ events: any DomainEvent...) -> AggregateSpec {
        given(events)
    }

    /// Adds past events from an array.
    ///
    /// - Parameter events: Events the aggregate handles.
    /// - Returns: The fixture with those events after any given before.
    public func given(_ events: [any DomainEvent]) -> AggregateSpec {
        AggregateSpec(id: id, registry: registry, history: history + events)
    }

    /// Sets the command: it runs against the state the given events build
    /// (through `AggregateRepository/create(_:context:_:)` when there are none,
    /// `AggregateRepository/execute(_:context:maximumRetries:_:)` otherwise).
    ///
    /// ```swift
    /// let when = spec.given(placed).when { order in try order.pay(amount: 30) }
    /// ```
    ///
    /// - Parameters:
    ///   - context: The command context whose ids the events' metadata gets.
    ///   - command: The command.
    /// - Returns: The step that states the expected outcome.
    public func when(
        context: CommandContext = CommandContext(),
        _ command: @escaping @Sendable (A) async throws -> [any DomainEvent]
    ) -> When {
        When(spec: self, context: context, command: command)
    }

    /// A command set against given events, waiting for its expected outcome.
    public struct When: Sendable {
        let spec: AggregateSpec
        let context: CommandContext
        let command: @Sendable (A) async throws -> [any DomainEvent]
    }
}
