/// The name of one stream in the log: a category and an id, written `category-id`.
///
/// A stream holds the events of one aggregate instance (or any other unit of
/// consistency). The category groups streams of the same kind, so that
/// subscribers and projections can follow "all orders" without knowing every id.
/// The written form splits at the first `-`: `order-42` is category `order`,
/// id `42`; `order-42-b` is category `order`, id `42-b`.
///
/// Names are validated once, when created: category and id are non-empty, the
/// category holds no `-`, the whole name is at most ``maximumLength`` UTF-8 bytes
/// and contains no control characters. Invalid input throws
/// ``EventStoreError/invalidStreamName``.
///
/// A name is its exact UTF-8 bytes, as every store keeps it: two names are
/// equal when their bytes are, and order by their bytes (as SQLite's `ORDER BY`
/// does). `café-1` written with a precomposed `é` and with `e` plus a combining
/// accent are two streams, although Swift's `String` calls them equal. The
/// split is at the first `-` character in the bytes, even one a combining mark
/// follows.
///
/// ```swift
/// let stream = try StreamName("order-42")
/// stream.category   // "order"
/// stream.id         // "42"
/// let same = try StreamName(category: "order", id: "42")
/// ```
public struct StreamName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The longest accepted name, in UTF-8 bytes.
    public static let maximumLength = 512

    /// The category: the part before the first `-`.
    public let category: String
    /// The id within the category: the part after the first `-`.
    public let id: String

    /// The written form, `category-id`.
    public var description: String { "\(category)-\(id)" }

    /// Parses a stream name written as `category-id`.
    ///
    /// ```swift
    /// let stream = try StreamName("order-42")
    /// ```
    ///
    /// - Parameter name: The written form; split at the first `-`.
    /// - Throws: ``EventStoreError/invalidStreamName`` when the name has no `-`,
    ///   an empty category or id, a control character, or is too long.
    public init(_ name: String) throws {
        // Split on the byte: `firstIndex(of: "-")` on the String would skip a
        // '-' that a combining mark follows (one Character), unlike any store.
        let bytes = name.utf8
        guard let dash = bytes.firstIndex(of: UInt8(ascii: "-")) else {
            throw EventStoreError.invalidStreamName(name, reason: "it has no '-' between category and id")
        }
        try self.init(
            category: String(decoding: bytes[..<dash], as: UTF8.self),
            id: String(decoding: bytes[bytes.index(after: dash)...], as: UTF8.self), written: name)
    }

    /// Creates a stream name from its parts.
    ///
    /// ```swift
    /// let stream = try StreamName(category: "order", id: order.id.uuidString)
    /// ```
    ///
    /// - Parameters:
    ///   - category: A non-empty category without `-`.
    ///   - id: A non-empty id; it may contain `-`.
    /// - Throws: ``EventStoreError/invalidStreamName`` when a part is invalid.
    public init(category: String, id: String) throws {
        try self.init(category: category, id: id, written: "\(category)-\(id)")
    }

    private init(category: String, id: String, written: String) throws {
        if category.isEmpty {
            throw EventStoreError.invalidStreamName(written, reason: "the category is empty")
        }
        if category.utf8.contains(UInt8(ascii: "-")) {
            throw EventStoreError.invalidStreamName(written, reason: "the category contains '-'")
        }
        if id.isEmpty {
            throw EventStoreError.invalidStreamName(written, reason: "the id is empty")
        }
        if written.utf8.count > Self.maximumLength {
            throw EventStoreError.invalidStreamName(
                String(written.prefix(40)) + "…",
                reason: "it is longer than \(Self.maximumLength) bytes")
        }
        // Printable ASCII (most names) has no control characters; check others scalar by scalar.
        if !written.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
            written.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw EventStoreError.invalidStreamName(
                written.debugDescription, reason: "it contains a control character")
        }
        self.category = category
        self.id = id
    }

    /// Validates a category on its own, as used by filters and subscriptions.
    ///
    /// - Parameter category: The category to check.
    /// - Throws: ``EventStoreError/invalidStreamName`` when it is empty, contains
    ///   `-` or a control character.
    public static func validateCategory(_ category: String) throws {
        _ = try StreamName(category: category, id: "x")
    }

    /// Equal when the UTF-8 bytes are (not Swift's canonical equivalence).
    public static func == (lhs: StreamName, rhs: StreamName) -> Bool {
        lhs.category.utf8.elementsEqual(rhs.category.utf8) && lhs.id.utf8.elementsEqual(rhs.id.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        Self.hashBytes(of: category, into: &hasher)
        hasher.combine(UInt8(0xFF))  // never in UTF-8: separates the parts
        Self.hashBytes(of: id, into: &hasher)
    }

    private static func hashBytes(of text: String, into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    /// Orders by the written form's UTF-8 bytes, as SQLite's `ORDER BY` does.
    public static func < (lhs: StreamName, rhs: StreamName) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
