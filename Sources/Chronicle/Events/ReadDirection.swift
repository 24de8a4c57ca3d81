/// The order in which a stream is read.
///
/// ```swift
/// let last = try await store.readStream(stream, from: .max, direction: .backward, limit: 1)
/// ```
public enum ReadDirection: Hashable, Sendable {
    /// Ascending versions, from the given version up.
    case forward
    /// Descending versions, from the given version down.
    case backward
}
