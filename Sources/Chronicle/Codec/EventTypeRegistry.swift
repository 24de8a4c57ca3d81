public import Foundation

/// Maps stable event type names to Swift types, encodes events into ``NewEvent``s,
/// and decodes stored payloads back, upcasting old schema versions on the way.
///
/// Build one registry when the app starts and share it (it is a `Sendable`
/// value). Registration checks everything it can up front: a name already used
/// by another Swift type, an invalid name, or a gap in a type's upcaster chain
/// throws from ``register(_:)``, not on the day an old event is read.
///
/// ```swift
/// var registry = EventTypeRegistry()             // JSON by default
/// try registry.register(OrderPlaced.self)
/// try registry.register(OrderPaid.self)
///
/// let new = try registry.encode(OrderPaid(amount: 10), metadata: EventMetadata(correlationId: "req-1"))
/// try await store.append([new], to: stream, expecting: .exactly(1))
///
/// for record in try await store.readStream(stream, from: 1, direction: .forward, limit: 100) {
///     switch try registry.decode(record) {
///     case let placed as OrderPlaced: print("placed by", placed.customer)
///     case let paid as OrderPaid: print("paid", paid.amount)
///     default: break
///     }
/// }
/// ```
public struct EventTypeRegistry: Sendable {
    struct Entry: Sendable {
        let type: any DomainEvent.Type
        let schemaVersion: Int
        /// Sorted by ``EventUpcaster/fromVersion``; contiguous, ending at `schemaVersion - 1`.
        let upcasters: [EventUpcaster]
    }

    /// The codec payloads are written and read with.
    public let codec: any EventCodec
    private var entries: [String: Entry] = [:]

    /// Creates an empty registry.
    ///
    /// ```swift
    /// let registry = EventTypeRegistry(codec: JSONEventCodec())
    /// ```
    ///
    /// - Parameter codec: The payload codec; JSON by default.
    public init(codec: some EventCodec = JSONEventCodec()) {
        self.codec = codec
    }

    /// Registers an event type under its ``DomainEvent/eventType`` name.
    ///
    /// Registering the same Swift type again is a no-op. The type's upcasters
    /// must form one chain of consecutive versions that ends right below its
    /// schema version (`from: 1`, `from: 2` for a type at version 3).
    ///
    /// ```swift
    /// try registry.register(OrderPlaced.self)
    /// ```
    ///
    /// - Parameter type: The event type.
    /// - Throws: ``EventCodingError/duplicateTypeName`` when another Swift type
    ///   already has this name; ``EventCodingError/invalidRegistration`` for an
    ///   invalid name, a schema version below 1, or upcasters that skip, repeat,
    ///   or reach beyond a version.
    public mutating func register<E: DomainEvent>(_ type: E.Type) throws {
        let name = E.eventType
        if let existing = entries[name] {
            if ObjectIdentifier(existing.type) == ObjectIdentifier(type) { return }
            throw EventCodingError(
                code: .duplicateTypeName,
                message: "cannot register \(E.self) as '\(name)': \(existing.type) is already registered under "
                    + "that name", typeName: name)
        }
        if name.isEmpty || name.utf8.count > 256
            || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw EventCodingError(
                code: .invalidRegistration,
                message: "\(E.self) has an invalid event type name '\(name)' (1 to 256 bytes, no control characters)",
                typeName: name)
        }
        let version = E.schemaVersion
        if version < 1 {
            throw EventCodingError(
                code: .invalidRegistration,
                message: "\(E.self) ('\(name)') has schema version \(version); versions start at 1",
                typeName: name, schemaVersion: version)
        }
        let upcasters = E.upcasters.sorted { $0.fromVersion < $1.fromVersion }
        for (offset, upcaster) in upcasters.enumerated() {
            let expected = version - upcasters.count + offset
            if upcaster.fromVersion != expected || expected < 1 {
                let froms = upcasters.map { String($0.fromVersion) }.joined(separator: ", ")
                throw EventCodingError(
                    code: .invalidRegistration,
                    message: "\(E.self) ('\(name)') is at schema version \(version) but its upcasters read versions "
                        + "[\(froms)]; they must read consecutive versions ending at \(version - 1), each once",
                    typeName: name, schemaVersion: version)
            }
        }
        entries[name] = Entry(type: type, schemaVersion: version, upcasters: upcasters)
    }

    /// Returns a copy of the registry with one more type registered.
    ///
    /// ```swift
    /// let registry = try EventTypeRegistry()
    ///     .registering(OrderPlaced.self)
    ///     .registering(OrderPaid.self)
    /// ```
    ///
    /// - Parameter type: The event type.
    /// - Returns: The extended registry.
    /// - Throws: As ``register(_:)``.
    public func registering<E: DomainEvent>(_ type: E.Type) throws -> EventTypeRegistry {
        var copy = self
        try copy.register(type)
        return copy
    }

    /// The registered type names, sorted.
    public var typeNames: [String] { entries.keys.sorted() }

    /// The Swift type registered under a name.
    ///
    /// ```swift
    /// registry.type(named: "OrderPlaced")   // OrderPlaced.self
    /// ```
    ///
    /// - Parameter name: A type name.
    /// - Returns: The registered type, or `nil`.
    public func type(named name: String) -> (any DomainEvent.Type)? {
        entries[name]?.type
    }

    /// Encodes a typed event into an event to append, at its current schema version.
    ///
    /// ```swift
    /// let event = try registry.encode(OrderPaid(amount: 10))
    /// try await store.append([event], to: stream, expecting: .exactly(3))
    /// ```
    ///
    /// - Parameters:
    ///   - event: The event; its type must be registered.
    ///   - id: The event id; a new time-ordered UUID (version 7) by default.
    ///   - metadata: Correlation, causation and headers.
    /// - Returns: The event to append.
    /// - Throws: ``EventCodingError/unknownType`` when the type is not registered
    ///   (or another type holds its name), ``EventCodingError/encodingFailed``
    ///   when the codec throws.
    public func encode<E: DomainEvent>(
        _ event: E, id: UUID = .chronicleTimeOrdered(), metadata: EventMetadata = .empty
    ) throws -> NewEvent {
        let name = E.eventType
        guard let entry = entries[name], ObjectIdentifier(entry.type) == ObjectIdentifier(E.self) else {
            throw EventCodingError(
                code: .unknownType, message: "\(E.self) ('\(name)') is not registered", typeName: name)
        }
        let data: Data
        do {
            data = try codec.encode(event)
        } catch {
            throw EventCodingError(
                code: .encodingFailed, message: "cannot encode \(E.self) ('\(name)')", typeName: name,
                schemaVersion: entry.schemaVersion, cause: error)
        }
        return NewEvent(id: id, type: name, schemaVersion: entry.schemaVersion, data: data, metadata: metadata)
    }

    /// Decodes a stored event as its registered type, upcasting an old schema version first.
    ///
    /// ```swift
    /// let event = try registry.decode(record)
    /// if let paid = event as? OrderPaid { total += paid.amount }
    /// ```
    ///
    /// - Parameter record: An event read from a store.
    /// - Returns: The typed event.
    /// - Throws: ``EventCodingError`` (unknown type, schema version too new,
    ///   missing upcaster, upcast or decoding failure), naming the record's stream
    ///   and version.
    public func decode(_ record: EventRecord) throws -> any DomainEvent {
        do {
            return try decode(type: record.type, schemaVersion: record.schemaVersion, data: record.data)
        } catch let error as EventCodingError {
            throw error.at(stream: record.stream, version: record.version)
        }
    }

    /// Decodes a payload of a named type at a schema version.
    ///
    /// ```swift
    /// let event = try registry.decode(type: "OrderPlaced", schemaVersion: 1, data: bytes)
    /// ```
    ///
    /// - Parameters:
    ///   - name: The stored type name (the `type:` argument).
    ///   - schemaVersion: The stored payload's schema version.
    ///   - data: The stored payload.
    /// - Returns: The typed event at the current schema version.
    /// - Throws: ``EventCodingError`` (unknown type, schema version too new,
    ///   missing upcaster, upcast or decoding failure).
    public func decode(type name: String, schemaVersion: Int, data: Data) throws -> any DomainEvent {
        guard let entry = entries[name] else {
            throw EventCodingError(
                code: .unknownType, message: "no event type is registered under '\(name)'", typeName: name,
                schemaVersion: schemaVersion)
        }
        let current = schemaVersion == entry.schemaVersion ? data : try upcast(entry, name, schemaVersion, data)
        return try decodeCurrent(entry.type, name, entry.schemaVersion, current)
    }

    /// The entry registered under `name`, if any (for batch decoding, which looks each name up once).
    func entry(named name: String) -> Entry? { entries[name] }

    /// Decodes a payload at its type's current schema version.
    ///
    /// It goes by the metatype, not through a closure or a copy of the codec:
    /// those would retain objects that every decoding task shares, and
    /// contended reference counts slow decoding on several cores at once.
    ///
    /// `runDecoder`, when given, is a fast JSON decoder the caller keeps for a
    /// run of payloads; a payload it cannot take goes through the codec.
    func decodeCurrent(
        _ type: any DomainEvent.Type, _ name: String, _ schemaVersion: Int, _ data: Data,
        runDecoder: JSONPayloadDecoder? = nil
    ) throws -> any DomainEvent {
        do {
            if let runDecoder, let event = try? Self.decode(type, data, runDecoder) { return event }
            return try Self.decode(type, data, codec)
        } catch {
            throw EventCodingError(
                code: .decodingFailed,
                message: "cannot decode '\(name)' (schema version \(schemaVersion)) as \(type)",
                typeName: name, schemaVersion: schemaVersion, cause: error)
        }
    }

    private static func decode<E: DomainEvent>(_ type: E.Type, _ data: Data, _ codec: any EventCodec) throws -> E {
        try codec.decode(E.self, from: data)
    }

    private static func decode<E: DomainEvent>(_ type: E.Type, _ data: Data, _ decoder: JSONPayloadDecoder) throws -> E {
        try decoder.decode(E.self, from: data)
    }

    /// Runs the upcasters a stored payload needs to reach its type's current schema version.
    ///
    /// ```swift
    /// let current = try registry.upcast(type: "OrderPlaced", schemaVersion: 1, data: v1Bytes)
    /// ```
    ///
    /// - Parameters:
    ///   - name: The stored type name (the `type:` argument).
    ///   - schemaVersion: The stored payload's schema version.
    ///   - data: The stored payload.
    /// - Returns: The payload at the current schema version (unchanged when already current).
    /// - Throws: ``EventCodingError`` (unknown type, schema version too new,
    ///   missing upcaster, upcast failure).
    public func upcast(type name: String, schemaVersion: Int, data: Data) throws -> Data {
        guard let entry = entries[name] else {
            throw EventCodingError(
                code: .unknownType, message: "no event type is registered under '\(name)'", typeName: name,
                schemaVersion: schemaVersion)
        }
        return schemaVersion == entry.schemaVersion ? data : try upcast(entry, name, schemaVersion, data)
    }

    private func upcast(_ entry: Entry, _ name: String, _ version: Int, _ data: Data) throws -> Data {
        if version > entry.schemaVersion {
            throw EventCodingError(
                code: .schemaVersionTooNew,
                message: "stored '\(name)' has schema version \(version) but \(entry.type) is at version "
                    + "\(entry.schemaVersion); was it written by a newer release?",
                typeName: name, schemaVersion: version)
        }
        guard let first = entry.upcasters.firstIndex(where: { $0.fromVersion == version }) else {
            throw EventCodingError(
                code: .missingUpcaster,
                message: "stored '\(name)' has schema version \(version) and no upcaster of \(entry.type) reads it "
                    + "(current version \(entry.schemaVersion))",
                typeName: name, schemaVersion: version)
        }
        var payload = data
        for upcaster in entry.upcasters[first...] {
            do {
                payload = try upcaster.upcast(payload, codec: codec)
            } catch {
                throw EventCodingError(
                    code: .upcastFailed,
                    message: "upcasting '\(name)' from schema version \(upcaster.fromVersion) to "
                        + "\(upcaster.fromVersion + 1) failed",
                    typeName: name, schemaVersion: upcaster.fromVersion, cause: error)
            }
        }
        return payload
    }
}
