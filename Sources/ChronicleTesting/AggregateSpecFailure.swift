/// A failed expectation of an ``AggregateSpec``: thrown, with a readable message,
/// so that any test framework (or none) reports it.
///
/// ```swift
/// do {
///     try await spec.given(placed).when { try $0.pay() }.then(OrderPaid(amount: 10))
/// } catch let failure as AggregateSpecFailure {
///     print(failure.message)
/// }
/// ```
public struct AggregateSpecFailure: Error, Sendable, CustomStringConvertible {
    /// What was expected and what happened.
    public let message: String
    /// The file of the `then` call.
    public let file: String
    /// The line of the `then` call.
    public let line: Int

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - message: What was expected and what happened.
    ///   - file: The file of the expectation.
    ///   - line: The line of the expectation.
    public init(message: String, file: String, line: Int) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line): \(message)" }
}
