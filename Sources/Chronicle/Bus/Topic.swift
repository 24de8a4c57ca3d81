/// A named channel of the bus: a stream category of the log.
///
/// A message published to topic `orders` is an event in a stream `orders-<key>`;
/// consumers of the topic read the category. ``all`` (written `$all`) is the
/// global topic: every stream except the bus's own bookkeeping streams, whose
/// categories start with `$`.
///
/// Topic names follow the rules of a category: not empty, no `-` (it separates
/// category and id in a stream name), no control characters. Use `_` or `.`
/// for compound names: `orders_urgent`.
///
/// ```swift
/// let orders = try Topic("orders")
/// let stream = try orders.stream(key: "42")   // orders-42
/// ```
public struct Topic: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The topic's name (the category), or `$all`.
    public let name: String

    /// The global topic: every stream of the log outside the bus's `$` categories.
    public static let all = Topic(unchecked: allName)

    /// The written name of ``all``.
    public static let allName = "$all"

    /// Makes a topic from its name.
    ///
    /// - Parameter name: A category name, or `$all`.
    /// - Throws: ``EventStoreError`` with code `invalidArgument` when the name is
    ///   not a valid category (empty, contains `-` or a control character) or
    ///   names one of the bus's own `$` categories.
    public init(_ name: String) throws {
        if name == Self.allName {
            self = .all
            return
        }
        if name.utf8.contains(UInt8(ascii: "-")) {
            throw EventStoreError.invalidArgument(
                "topic '\(name)' contains '-': a topic is a stream category, written without '-' (try '\(name.replacingDashes())')")
        }
        do {
            try StreamName.validateCategory(name)
        } catch let error as EventStoreError {
            throw EventStoreError.invalidArgument("'\(name)' is not a valid topic name: \(error.message)")
        }
        if name.hasPrefix("$") {
            throw EventStoreError.invalidArgument(
                "topic '\(name)' starts with '$': those categories are the bus's own streams")
        }
        self.name = name
    }

    /// Makes a topic from a literal; a literal that is not a valid topic name
    /// stops the program (use ``init(_:)`` for names from input).
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    private init(unchecked name: String) { self.name = name }

    /// Whether this is the global topic ``all``.
    public var isAll: Bool { name == Self.allName }

    public var description: String { name }

    /// The stream a message with this key goes to: `<topic>-<key>`.
    ///
    /// - Parameter key: The stream id; messages with one key keep their order.
    /// - Throws: ``EventStoreError`` when the key is empty or the name too long,
    ///   and `invalidArgument` for ``all`` (publish to a named topic).
    public func stream(key: String) throws -> StreamName {
        if isAll { throw EventStoreError.invalidArgument("messages are published to a named topic, not to $all") }
        return try StreamName(category: name, id: key)
    }

    /// Whether `record` belongs to this topic.
    public func contains(_ stream: StreamName) -> Bool {
        isAll ? !stream.category.hasPrefix("$") : stream.category == name
    }

    /// The log filter that reads this topic.
    public var filter: EventFilter { isAll ? .all : EventFilter(categories: [name]) }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "-" ? "_" : $0 }))
    }
}
