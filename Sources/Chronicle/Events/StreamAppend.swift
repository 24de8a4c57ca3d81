/// One stream's part of an atomic multi-stream append.
///
/// ```swift
/// try await store.append([
///     StreamAppend(stream: order, events: [placed], expecting: .noStream),
///     StreamAppend(stream: outbox, events: [notice], expecting: .any),
/// ])
/// ```
public struct StreamAppend: Hashable, Sendable {
    /// The stream to append to.
    public var stream: StreamName
    /// The events, in order.
    public var events: [NewEvent]
    /// What the stream's version must be before this part is written.
    public var expectedVersion: ExpectedVersion

    /// Creates one part of a multi-stream append.
    ///
    /// - Parameters:
    ///   - stream: The stream to append to.
    ///   - events: The events, in order.
    ///   - expectedVersion: What the stream's version must be first.
    public init(stream: StreamName, events: [NewEvent], expecting expectedVersion: ExpectedVersion) {
        self.stream = stream
        self.events = events
        self.expectedVersion = expectedVersion
    }
}
