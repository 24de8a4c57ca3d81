/// One parser of outside input, fuzzed by libFuzzer (`Scripts/fuzz.sh`) and
/// replayed over its corpus by the normal test suite.
///
/// Each target feeds the input to the parser and checks what came back: a
/// value that survives a round trip through its written form, or the parser's
/// documented typed error. Anything else (another error, a changed value, a
/// trap) is a finding.
///
/// ```swift
/// let outcome = try FuzzTarget.streamName.check(Array("order-42".utf8))   // .accepted
/// ```
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `StreamName(_:)`, `StreamName(category:id:)` and `StreamName.validateCategory(_:)`.
    case streamName = "stream-name"
    /// `EventLine.decode(_:)`: one line of the JSON Lines import format.
    case eventLine = "event-line"
    /// `EventMetadata(jsonData:)` and the SQLite store's fast metadata reader, which must agree.
    case eventMetadata = "event-metadata"
    /// `EventTypeRegistry.decode(type:schemaVersion:data:)` with a chain of upcasters.
    case eventDecoding = "event-decoding"
    /// `StoreLocation(parsing:)`: the CLI's `--store` and `CHRONICLE_STORE`.
    case storeLocation = "store-location"

    /// Runs one input through the target's parser and checks the result.
    ///
    /// - Parameter input: Arbitrary bytes.
    /// - Returns: Whether the parser accepted the input or rejected it with its typed error.
    /// - Throws: ``FuzzFinding`` when the parser broke its contract.
    public func check(_ input: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        switch self {
        case .streamName: return try StreamNameCheck.check(input)
        case .eventLine: return try EventLineCheck.check(input)
        case .eventMetadata: return try EventMetadataCheck.check(input)
        case .eventDecoding: return try EventDecodingCheck.check(input)
        case .storeLocation: return try StoreLocationCheck.check(input)
        }
    }

    /// The body of a libFuzzer target's `LLVMFuzzerTestOneInput`: checks the
    /// input and traps on a finding, which libFuzzer records as a crash.
    ///
    /// - Parameters:
    ///   - data: The input's bytes.
    ///   - size: Their count.
    /// - Returns: 0, as libFuzzer expects.
    public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            _ = try check(input)
        } catch {
            fatalError(error.description)
        }
        return 0
    }
}

/// What a parser did with an input that broke no rule.
public enum FuzzOutcome: Equatable, Sendable {
    /// The input parsed, and the value passed the round-trip checks.
    case accepted
    /// The parser threw its documented typed error, with this message.
    case rejected(String)
}

/// A broken contract: an unexpected error type, or a value that does not survive its round trip.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
    /// The target that found it.
    public let target: FuzzTarget
    /// What went wrong.
    public let message: String

    public var description: String { "\(target.rawValue): \(message)" }
}
