/// What an append did to one stream.
///
/// ```swift
/// let result = try await store.append(events, to: stream, expecting: .noStream)
/// result.version            // the stream's version after the append
/// result.nextExpectedVersion // .exactly(result.version), for the next append
/// ```
public struct AppendResult: Hashable, Sendable {
    /// The stream appended to.
    public let stream: StreamName
    /// The stream's version after the append (unchanged for an empty append).
    public let version: Int64
    /// The versions the appended events got; `nil` when no event was appended.
    public let versions: ClosedRange<Int64>?
    /// The global positions the appended events got; `nil` when no event was appended.
    public let positions: ClosedRange<GlobalPosition>?

    /// Creates a result; stores build these.
    ///
    /// - Parameters:
    ///   - stream: The stream.
    ///   - version: The version after the append.
    ///   - versions: The versions of the appended events.
    ///   - positions: The positions of the appended events.
    public init(
        stream: StreamName, version: Int64, versions: ClosedRange<Int64>?,
        positions: ClosedRange<GlobalPosition>?
    ) {
        self.stream = stream
        self.version = version
        self.versions = versions
        self.positions = positions
    }

    /// The expectation to pass to the next append on this stream.
    public var nextExpectedVersion: ExpectedVersion { .exactly(version) }
}
