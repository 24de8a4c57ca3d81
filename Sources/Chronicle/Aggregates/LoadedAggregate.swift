/// An aggregate's state together with the version it reflects.
///
/// ```swift
/// let loaded = try await orders.load("42")
/// loaded.state.status    // .paid
/// loaded.version         // 3: the state reflects events 1...3
/// ```
public struct LoadedAggregate<A: Aggregate>: Sendable {
    /// The state after the events up to ``version``.
    public let state: A
    /// The version of the last event applied; 0 for an aggregate with no events.
    public let version: Int64
    /// The aggregate's stream.
    public let stream: StreamName

    /// Creates a value; the repository builds these.
    ///
    /// - Parameters:
    ///   - state: The state.
    ///   - version: The version it reflects.
    ///   - stream: The stream.
    public init(state: A, version: Int64, stream: StreamName) {
        self.state = state
        self.version = version
        self.stream = stream
    }
}
