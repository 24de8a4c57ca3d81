/// One named rule of a store protocol's contract, runnable against any
/// implementation of it.
///
/// ``CheckpointStoreConformance``, ``SnapshotStoreConformance``,
/// ``DeadLetterStoreConformance`` and ``ExactlyOnceProjectionConformance`` list
/// their rules as values of this type; `Store` is the protocol's existential
/// (`any CheckpointStore`, …). Each check runs against a fresh, empty store and
/// throws ``ConformanceFailure`` when the store breaks the rule. With Swift
/// Testing, one parameterised test runs them all:
///
/// ```swift
/// @Test(arguments: CheckpointStoreConformance.checks)
/// func checkpoints(_ check: StoreConformanceCheck<any CheckpointStore>) async throws {
///     try await check.run(against: InMemoryCheckpointStore())
/// }
/// ```
public struct StoreConformanceCheck<Store>: Sendable, CustomStringConvertible {
    /// A short name saying what the rule is.
    public let name: String
    let body: @Sendable (Store) async throws -> Void

    /// Creates a check.
    ///
    /// A suite builds its checks with this; a backend can add checks of its own
    /// that run the same way.
    ///
    /// ```swift
    /// let check = StoreConformanceCheck<any CheckpointStore>("an unknown name has no checkpoint") { store in
    ///     try Expect.that(try await store.checkpoint(named: "nobody") == nil, "no checkpoint")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: What the rule is.
    ///   - body: Exercises the store; throws ``ConformanceFailure`` on a broken rule.
    public init(_ name: String, body: @escaping @Sendable (Store) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// The rule's name, which Swift Testing shows for each argument.
    public var description: String { name }

    /// Runs the check against a store that must be fresh and empty.
    ///
    /// ```swift
    /// try await check.run(against: InMemoryDeadLetterStore())
    /// ```
    ///
    /// - Parameter store: A fresh, empty store.
    /// - Throws: ``ConformanceFailure`` when the store breaks the rule, or the
    ///   store's own error when it fails unexpectedly.
    public func run(against store: Store) async throws {
        try await body(store)
    }
}
