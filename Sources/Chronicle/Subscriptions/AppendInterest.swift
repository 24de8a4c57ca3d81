/// Which appends a waiter cares about: streams of some categories (optionally
/// only those of one partition) and some streams by name. A store that knows
/// what its commits wrote (``AppendSignal/signal(committed:streams:)``) wakes
/// the waiter only for those, so a consumer of one topic partition sleeps
/// through the commits of every other.
///
/// ```swift
/// let interest = AppendInterest(categories: ["orders"], streams: [redelivery]) { stream in
///     MessagePartitioning.partition(of: stream, count: 8) == 3
/// }
/// try await store.waitForAppends(after: complete, matching: interest)
/// ```
package struct AppendInterest: Sendable {
    /// Streams of these categories matter, when ``partition`` keeps them.
    package let categories: Set<String>
    /// These streams matter, whatever their category.
    package let streams: Set<StreamName>
    /// Keeps the streams of ``categories`` that matter (all when `nil`).
    package let partition: (@Sendable (StreamName) -> Bool)?

    /// - Parameters:
    ///   - categories: Categories whose streams matter.
    ///   - streams: Streams that matter by name.
    ///   - partition: Keeps the streams of `categories` that matter; `nil` keeps all.
    package init(
        categories: Set<String>, streams: Set<StreamName> = [], partition: (@Sendable (StreamName) -> Bool)? = nil
    ) {
        self.categories = categories
        self.streams = streams
        self.partition = partition
    }

    /// Whether a commit that wrote `written` matters. Interests name a few
    /// categories and streams: comparing is cheaper than hashing here.
    func matches(_ written: [StreamName]) -> Bool {
        for stream in written {
            if categories.contains(where: { $0 == stream.category }) {
                if partition?(stream) ?? true { return true }
            } else if streams.contains(where: { $0 == stream }) {
                return true
            }
        }
        return false
    }
}
