/// The place of an event in the store's one global log.
///
/// Positions start at 1 and strictly increase in commit order: a subscriber
/// that has seen position `p` never later sees an event below `p`. Position 0
/// (``start``'s predecessor, ``none``) stands for "before the first event" and
/// is what an empty store reports as its head.
///
/// ```swift
/// let head = try await store.headPosition()
/// let page = try await store.readAll(from: head.next, limit: 100)  // nothing yet
/// let first: GlobalPosition = 1
/// ```
public struct GlobalPosition: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The position as a number (0 means "before the first event").
    public let rawValue: Int64

    /// Creates a position from its number.
    ///
    /// - Parameter rawValue: The number; 0 means "before the first event".
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Creates a position from its number.
    ///
    /// - Parameter rawValue: The number; 0 means "before the first event".
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(integerLiteral value: Int64) { self.rawValue = value }

    /// "Before the first event": the head of an empty store, the checkpoint of a
    /// subscriber that has seen nothing.
    public static let none = GlobalPosition(0)
    /// The position of the first event of any store.
    public static let start = GlobalPosition(1)

    /// The position right after this one.
    public var next: GlobalPosition { GlobalPosition(rawValue + 1) }

    public var description: String { String(rawValue) }

    public static func < (lhs: GlobalPosition, rhs: GlobalPosition) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
