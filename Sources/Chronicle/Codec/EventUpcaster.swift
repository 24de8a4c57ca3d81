public import Foundation

/// Turns a stored payload of one schema version into the next version's payload.
///
/// When an event type's shape changes, its ``DomainEvent/schemaVersion`` goes up
/// by one and it gains an upcaster `from:` the previous version. Reading an event
/// stored at version 1 of a type now at version 3 runs the upcasters from 1 and
/// from 2, in that order, then decodes the result as the current type. Upcasters
/// run on read only: the stored history is never rewritten.
///
/// Three ways to write one:
///
/// ```swift
/// // Edit the JSON tree (most changes: add, rename or reshape members).
/// EventUpcaster.json(from: 1) { payload in
///     payload["currency"] = "EUR"
/// }
/// // Decode the old shape as its own type and return the new shape.
/// EventUpcaster.typed(from: 2, OrderPlacedV2.self) { old in
///     OrderPlacedV3(customer: old.customer, lines: [.init(sku: old.sku, quantity: 1)])
/// }
/// // Work on the raw bytes.
/// EventUpcaster(from: 3) { bytes in try rewrite(bytes) }
/// ```
public struct EventUpcaster: Sendable {
    /// The schema version this upcaster reads; it produces version `fromVersion + 1`.
    public let fromVersion: Int
    private let transform: @Sendable (Data, any EventCodec) throws -> Data

    /// Creates an upcaster over raw payload bytes.
    ///
    /// ```swift
    /// let upcaster = EventUpcaster(from: 1) { bytes in try migrateV1(bytes) }
    /// ```
    ///
    /// - Parameters:
    ///   - version: The schema version read; the result is `version + 1`.
    ///   - transform: Turns version `version` bytes into version `version + 1` bytes.
    public init(from version: Int, transform: @escaping @Sendable (Data) throws -> Data) {
        self.fromVersion = version
        self.transform = { data, _ in try transform(data) }
    }

    private init(from version: Int, codecTransform: @escaping @Sendable (Data, any EventCodec) throws -> Data) {
        self.fromVersion = version
        self.transform = codecTransform
    }

    /// An upcaster that edits the payload as a ``JSONValue`` tree.
    ///
    /// The payload is decoded through the registry's codec into a `JSONValue`,
    /// edited in place, and encoded back.
    ///
    /// ```swift
    /// let renameTotal = EventUpcaster.json(from: 2) { payload in
    ///     payload["amount"] = payload["total"]
    ///     payload["total"] = nil
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - version: The schema version read; the result is `version + 1`.
    ///   - transform: Edits a version `version` payload into a version `version + 1` one.
    /// - Returns: The upcaster.
    public static func json(
        from version: Int, _ transform: @escaping @Sendable (inout JSONValue) throws -> Void
    ) -> EventUpcaster {
        EventUpcaster(from: version) { data, codec in
            var value = try codec.decode(JSONValue.self, from: data)
            try transform(&value)
            return try codec.encode(value)
        }
    }

    /// An upcaster that decodes the old payload as its own type and returns the new shape.
    ///
    /// Keep the old shape as a small `Decodable` struct (for example `OrderPlacedV1`)
    /// next to the current event type.
    ///
    /// ```swift
    /// let split = EventUpcaster.typed(from: 1, CustomerRenamedV1.self) { old in
    ///     CustomerRenamed(first: old.name.firstWord, last: old.name.rest)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - version: The schema version read; the result is `version + 1`.
    ///   - old: The type of a version `version` payload.
    ///   - transform: Builds the version `version + 1` payload.
    /// - Returns: The upcaster.
    public static func typed<Old: Decodable & Sendable, New: Encodable & Sendable>(
        from version: Int, _ old: Old.Type, _ transform: @escaping @Sendable (Old) throws -> New
    ) -> EventUpcaster {
        EventUpcaster(from: version) { data, codec in
            try codec.encode(try transform(try codec.decode(Old.self, from: data)))
        }
    }

    /// Runs the upcaster.
    ///
    /// ```swift
    /// let v2 = try upcaster.upcast(v1Bytes, codec: JSONEventCodec())
    /// ```
    ///
    /// - Parameters:
    ///   - data: A payload at ``fromVersion``.
    ///   - codec: The codec payloads are stored with.
    /// - Returns: The payload at `fromVersion + 1`.
    /// - Throws: Whatever the transform or the codec throws.
    public func upcast(_ data: Data, codec: some EventCodec) throws -> Data {
        try transform(data, codec)
    }
}
