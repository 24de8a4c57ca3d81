/// Runs `body`, failing with ``ConformanceFailure`` if it takes longer than
/// `seconds`: a broken store makes a check fail instead of hanging the suite.
///
/// ```swift
/// let events = try await withDeadline(seconds: 30, "subscription catches up") {
///     try await collect(subscription, count: 500)
/// }
/// ```
///
/// - Parameters:
///   - seconds: The most time `body` may take.
///   - what: What `body` does, for the failure.
///   - body: The work.
///   - file: The file a failure is reported at (the caller's by default).
///   - line: The line a failure is reported at (the caller's by default).
/// - Returns: What `body` returns.
/// - Throws: ``ConformanceFailure`` on time-out, or what `body` throws.
public func withDeadline<T: Sendable>(
    seconds: Double, _ what: String, file: String = #fileID, line: Int = #line,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw ConformanceFailure(message: "\(what): did not finish within \(seconds) s", file: file, line: line)
        }
        return value
    }
}
