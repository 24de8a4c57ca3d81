/// What an append expects of the stream's current version: optimistic concurrency.
///
/// Versions count the events of one stream: the first event is version 1, an
/// empty (or absent) stream has version 0. An append whose expectation does not
/// hold writes nothing and throws ``EventStoreError/wrongExpectedVersion`` naming
/// the stream, the expectation and the actual version.
///
/// ```swift
/// let (order, version) = try await load("order-42")
/// try await store.append(newEvents, to: stream, expecting: .exactly(version))
/// ```
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// No check: append at whatever the stream's version is.
    case any
    /// The stream must be empty (version 0): creating an aggregate.
    case noStream
    /// The stream must hold at least one event.
    case streamExists
    /// The stream must be exactly at this version (`.exactly(0)` is `.noStream`).
    case exactly(Int64)

    /// Whether a stream currently at `version` satisfies this expectation.
    ///
    /// - Parameter version: The stream's current version (0 when empty).
    /// - Returns: `true` when an append may go ahead.
    public func isSatisfied(by version: Int64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return version == 0
        case .streamExists: return version > 0
        case .exactly(let expected): return version == expected
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .streamExists: return "stream exists"
        case .exactly(let version): return String(version)
        }
    }
}
