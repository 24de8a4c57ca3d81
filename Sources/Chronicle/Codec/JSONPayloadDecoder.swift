internal import Foundation

/// Decodes a JSON payload straight from its bytes, without Foundation's
/// `JSONDecoder` and its intermediate tree: about three times as fast for the
/// small objects events are.
///
/// It gives the value Foundation's decoder (with default settings) gives, or
/// throws: any input it does not handle the same way (dates, data, URLs,
/// decimals, floats, escaped keys, duplicate keys, integers written with a
/// fraction, missing keys, type mismatches) throws, and ``JSONEventCodec`` then
/// decodes with Foundation, which decides and reports errors exactly as before.
final class JSONPayloadDecoder: Decoder {
    /// The payload being decoded (valid during ``decode(_:from:)`` only).
    @exclusivity(unchecked) private(set) var bytes: UnsafeBufferPointer<UInt8>
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }
    /// The keys of the values being decoded, outermost first. (Exclusivity is not
    /// checked on this object's state: only the decoding call that owns it uses it.)
    @exclusivity(unchecked) private(set) var keys: [any CodingKey] = []
    /// Where the value the current `init(from:)` decodes starts.
    @exclusivity(unchecked) var position: Int
    /// The members of the objects and the elements of the arrays whose containers
    /// are in use, each container owning a slice; freed when the `init(from:)`
    /// that made them returns.
    @exclusivity(unchecked) var members: [Member] = []
    /// Where in ``members`` the last key looked up was found: keys are often
    /// asked for in the order they are written (always, for dictionaries that go
    /// through `allKeys`, such as integer-keyed ones), so the next lookup tries
    /// the member after it first.
    @exclusivity(unchecked) var lastFound = -1

    var codingPath: [any CodingKey] { keys }

    /// The coding path of a container made when `depth` keys were open.
    func path(_ depth: Int) -> [any CodingKey] { Array(keys.prefix(depth)) }

    /// A decoder to decode payloads with, one after another (see ``decode(_:from:)``).
    init(userInfo: [CodingUserInfoKey: any Sendable]) {
        self.bytes = UnsafeBufferPointer(start: nil, count: 0)
        self.sendableUserInfo = userInfo
        self.position = 0
        members.reserveCapacity(32)
    }

    /// Decodes `data`, or throws when the fast path does not apply.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, userInfo: [CodingUserInfoKey: any Sendable]) throws -> T {
        try JSONPayloadDecoder(userInfo: userInfo).decode(type, from: data)
    }

    /// Decodes `data` with this decoder, or throws when the fast path does not apply.
    ///
    /// A decoder kept for a run of payloads (a page of a replay, on one task)
    /// saves allocating a decoder and its member list per payload; it starts
    /// each payload afresh. Not for two payloads at once.
    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard !bytes.isEmpty else { throw JSONReader.Unsupported() }
            try JSONReader.validate(bytes)
            self.bytes = bytes
            defer { self.bytes = UnsafeBufferPointer(start: nil, count: 0) }
            keys.removeAll(keepingCapacity: true)
            members.removeAll(keepingCapacity: true)
            lastFound = -1
            position = JSONReader.skipWhitespace(bytes, 0)
            return try value(T.self, at: position, key: nil)
        }
    }

    /// Decodes the value at `position` as `T`.
    func value<T: Decodable>(_ type: T.Type, at position: Int, key: (any CodingKey)?) throws -> T {
        if T.self == String.self { return try JSONReader.string(bytes, at: position).0 as! T }
        if T.self == Int.self { return try JSONReader.integer(bytes, at: position, as: Int.self) as! T }
        if T.self == Bool.self { return try bool(at: position) as! T }
        if T.self == Double.self { return try JSONReader.double(bytes, at: position) as! T }
        // Types Foundation's decoder treats specially (or rounds its own way): let it.
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self
            || T.self == Float.self
        {
            throw JSONReader.Unsupported()
        }
        let saved = self.position
        let mark = members.count
        self.position = position
        if let key { keys.append(key) }
        defer {
            self.position = saved
            members.removeLast(members.count - mark)
            if key != nil { keys.removeLast() }
        }
        // Only an object can be a dictionary: the conformance check is a runtime
        // look-up, which arrays and scalars skip.
        if bytes[position] == JSONReader.openBrace, let dictionary = T.self as? any JSONStringKeyedDictionary.Type {
            return try dictionary.decodeMembers(self, at: position) as! T
        }
        return try T(from: self)
    }

    func bool(at position: Int) throws -> Bool {
        switch bytes[position] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw JSONReader.Unsupported()
        }
    }

    func isNull(at position: Int) -> Bool { bytes[position] == UInt8(ascii: "n") }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try KeyedContainer<Key>(decoder: self, at: position))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedContainer(decoder: self, at: position)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self, position: position)
    }

    /// Indexes the members of the object at `position` (where each key and value
    /// is) at the end of ``members``; returns their range there.
    func indexObject(at position: Int) throws -> Range<Int> {
        guard bytes[position] == JSONReader.openBrace else { throw JSONReader.Unsupported() }
        let first = members.count
        var i = JSONReader.skipWhitespace(bytes, position + 1)
        if bytes[i] == JSONReader.closeBrace { return first..<first }
        while true {
            let keyStart = i + 1
            var keyEnd = keyStart
            while bytes[keyEnd] != JSONReader.quote {
                // Escaped keys are compared by Foundation after unescaping: leave them to it.
                if bytes[keyEnd] == JSONReader.backslash { throw JSONReader.Unsupported() }
                keyEnd += 1
            }
            i = JSONReader.skipWhitespace(bytes, keyEnd + 1) + 1  // past the colon
            let valueStart = JSONReader.skipWhitespace(bytes, i)
            let member = Member(key: keyStart..<keyEnd, value: valueStart)
            // Duplicate keys: Foundation decides which one counts.
            for other in members[first...] where other.key.count == member.key.count {
                if memcmp(bytes.baseAddress! + other.key.lowerBound, bytes.baseAddress! + keyStart, member.key.count) == 0 {
                    throw JSONReader.Unsupported()
                }
            }
            members.append(member)
            i = JSONReader.skipWhitespace(bytes, JSONReader.skipValue(bytes, valueStart))
            if bytes[i] == JSONReader.closeBrace { return first..<members.count }
            i = JSONReader.skipWhitespace(bytes, i + 1)  // past the comma
        }
    }

    /// Indexes the elements of the array at `position` at the end of ``members``
    /// (as members without keys); returns their range there.
    func indexArray(at position: Int) throws -> Range<Int> {
        guard bytes[position] == JSONReader.openBracket else { throw JSONReader.Unsupported() }
        let first = members.count
        var i = JSONReader.skipWhitespace(bytes, position + 1)
        if bytes[i] == JSONReader.closeBracket { return first..<first }
        while true {
            members.append(Member(key: 0..<0, value: i))
            i = JSONReader.skipWhitespace(bytes, JSONReader.skipValue(bytes, i))
            if bytes[i] == JSONReader.closeBracket { return first..<members.count }
            i = JSONReader.skipWhitespace(bytes, i + 1)
        }
    }

    /// One member of an object: its key's bytes (between the quotes) and where its value starts.
    struct Member {
        let key: Range<Int>
        let value: Int
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONPayloadDecoder
        /// This object's slice of the decoder's members.
        let range: Range<Int>
        let depth: Int

        init(decoder: JSONPayloadDecoder, at position: Int) throws {
            self.decoder = decoder
            self.range = try decoder.indexObject(at: position)
            self.depth = decoder.keys.count
        }

        var codingPath: [any CodingKey] { decoder.path(depth) }

        var allKeys: [Key] {
            decoder.members[range].compactMap { member in
                Key(stringValue: String(decoding: UnsafeBufferPointer(rebasing: decoder.bytes[member.key]), as: UTF8.self))
            }
        }

        func position(of key: Key) -> Int? {
            let name = key.stringValue
            let bytes = decoder.bytes
            return decoder.members.withUnsafeBufferPointer { members in
                let guess = decoder.lastFound + 1
                if range.contains(guess), JSONReader.keyEquals(bytes, members[guess].key, name) {
                    decoder.lastFound = guess
                    return members[guess].value
                }
                for index in range where JSONReader.keyEquals(bytes, members[index].key, name) {
                    decoder.lastFound = index
                    return members[index].value
                }
                return nil
            }
        }

        func value(_ key: Key) throws -> Int {
            guard let position = position(of: key) else { throw JSONReader.Unsupported() }
            return position
        }

        func contains(_ key: Key) -> Bool { position(of: key) != nil }

        func decodeNil(forKey key: Key) throws -> Bool { decoder.isNull(at: try value(key)) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(at: try value(key)) }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            try JSONReader.string(decoder.bytes, at: try value(key)).0
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            try JSONReader.double(decoder.bytes, at: try value(key))
        }

        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw JSONReader.Unsupported() }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

        // Inlined so that each decode(IntN.Type) parses with a specialised integer reader.
        @inline(__always)
        private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
            try JSONReader.integer(decoder.bytes, at: try value(key), as: T.self)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.value(T.self, at: try value(key), key: key)
        }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let position = position(of: key), !decoder.isNull(at: position) else { return nil }
            return try JSONReader.string(decoder.bytes, at: position).0
        }

        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            guard let position = position(of: key), !decoder.isNull(at: position) else { return nil }
            return try JSONReader.integer(decoder.bytes, at: position, as: Int.self)
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            guard let position = position(of: key), !decoder.isNull(at: position) else { return nil }
            return try decoder.bool(at: position)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let position = position(of: key), !decoder.isNull(at: position) else { return nil }
            return try decoder.value(T.self, at: position, key: key)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            // Nested containers report this container's path (they are rare: synthesized code never makes them).
            KeyedDecodingContainer(try KeyedContainer<NestedKey>(decoder: decoder, at: try value(key)))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try UnkeyedContainer(decoder: decoder, at: try value(key))
        }

        func superDecoder() throws -> any Decoder { throw JSONReader.Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw JSONReader.Unsupported() }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: JSONPayloadDecoder
        /// This array's slice of the decoder's members.
        let range: Range<Int>
        let depth: Int
        var currentIndex = 0

        init(decoder: JSONPayloadDecoder, at position: Int) throws {
            self.decoder = decoder
            self.range = try decoder.indexArray(at: position)
            self.depth = decoder.keys.count
        }

        var codingPath: [any CodingKey] { decoder.path(depth) }

        var count: Int? { range.count }
        var isAtEnd: Bool { currentIndex >= range.count }

        private mutating func next() throws -> Int {
            guard currentIndex < range.count else { throw JSONReader.Unsupported() }
            defer { currentIndex += 1 }
            return decoder.members[range.lowerBound + currentIndex].value
        }

        private struct IndexKey: CodingKey {
            let intValue: Int?
            var stringValue: String { "Index \(intValue ?? 0)" }
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < range.count else { throw JSONReader.Unsupported() }
            guard decoder.isNull(at: decoder.members[range.lowerBound + currentIndex].value) else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: try next()) }
        mutating func decode(_ type: String.Type) throws -> String { try JSONReader.string(decoder.bytes, at: try next()).0 }
        mutating func decode(_ type: Double.Type) throws -> Double { try JSONReader.double(decoder.bytes, at: try next()) }
        mutating func decode(_ type: Float.Type) throws -> Float { throw JSONReader.Unsupported() }
        mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

        // Inlined so that each decode(IntN.Type) parses with a specialised integer reader.
        @inline(__always)
        private mutating func integer<T: FixedWidthInteger>() throws -> T {
            try JSONReader.integer(decoder.bytes, at: try next(), as: T.self)
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let index = currentIndex
            return try decoder.value(T.self, at: try next(), key: IndexKey(index))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(try KeyedContainer<NestedKey>(decoder: decoder, at: try next()))
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try UnkeyedContainer(decoder: decoder, at: try next())
        }

        mutating func superDecoder() throws -> any Decoder { throw JSONReader.Unsupported() }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let decoder: JSONPayloadDecoder
        let position: Int
        var codingPath: [any CodingKey] { decoder.keys }

        func decodeNil() -> Bool { decoder.isNull(at: position) }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: position) }
        func decode(_ type: String.Type) throws -> String { try JSONReader.string(decoder.bytes, at: position).0 }
        func decode(_ type: Double.Type) throws -> Double { try JSONReader.double(decoder.bytes, at: position) }
        func decode(_ type: Float.Type) throws -> Float { throw JSONReader.Unsupported() }
        func decode(_ type: Int.Type) throws -> Int { try integer() }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
        func decode(_ type: UInt.Type) throws -> UInt { try integer() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

        // Inlined so that each decode(IntN.Type) parses with a specialised integer reader.
        @inline(__always)
        private func integer<T: FixedWidthInteger>() throws -> T {
            try JSONReader.integer(decoder.bytes, at: position, as: T.self)
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try decoder.value(T.self, at: position, key: nil)
        }
    }
}

/// Dictionaries with string keys, decoded member by member (as Foundation's
/// decoder does) rather than through `allKeys` and a lookup per key, which
/// costs several times more per member (a state snapshot is mostly dictionaries).
protocol JSONStringKeyedDictionary {
    static func decodeMembers(_ decoder: JSONPayloadDecoder, at position: Int) throws -> Self
}

extension Dictionary: JSONStringKeyedDictionary where Key == String, Value: Decodable {
    static func decodeMembers(_ decoder: JSONPayloadDecoder, at position: Int) throws -> Self {
        let range = try decoder.indexObject(at: position)
        var result = Self(minimumCapacity: range.count)
        for index in range {
            let member = decoder.members[index]
            let key = String(decoding: UnsafeBufferPointer(rebasing: decoder.bytes[member.key]), as: UTF8.self)
            result[key] = try decoder.value(Value.self, at: member.value, key: MemberKey(stringValue: key))
        }
        return result
    }
}

/// The key of a dictionary member, for coding paths.
private struct MemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
