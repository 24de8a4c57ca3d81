public import Chronicle

/// One named rule of the `EventStore` contract, runnable against any store.
///
/// Checks come from ``EventStoreConformance/checks``; each runs against a fresh,
/// empty store and throws ``ConformanceFailure`` when the store breaks the rule.
/// With Swift Testing, one parameterised test runs them all:
///
/// ```swift
/// @Test(arguments: EventStoreConformance.checks)
/// func inMemory(_ check: ConformanceCheck) async throws {
///     try await check.run(against: InMemoryEventStore())
/// }
/// ```
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    /// A short name saying what the rule is.
    public let name: String
    let body: @Sendable (any EventStore) async throws -> Void

    /// Creates a check.
    ///
    /// - Parameters:
    ///   - name: What the rule is.
    ///   - body: Exercises the store; throws ``ConformanceFailure`` on a broken rule.
    public init(_ name: String, body: @escaping @Sendable (any EventStore) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }

    /// Runs the check against a store that must be empty.
    ///
    /// - Parameter store: A fresh, empty store created with default options
    ///   (a 1 MiB maximum event size).
    /// - Throws: ``ConformanceFailure`` when the store breaks the rule, or the
    ///   store's own error when it fails unexpectedly.
    public func run(against store: some EventStore) async throws {
        try await body(store)
    }
}

/// A broken rule, with where the check noticed it.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What was expected and what happened.
    public let message: String
    /// The source file of the failed expectation.
    public let file: String
    /// The line of the failed expectation.
    public let line: Int

    public var description: String { "\(message) (\(file):\(line))" }
}
