internal import Foundation

/// Encodes a payload as JSON bytes directly, with sorted keys and unescaped
/// slashes, without Foundation's `JSONEncoder` and its intermediate tree.
///
/// It writes exactly the bytes Foundation's encoder (sorted keys, unescaped
/// slashes, default strategies) writes, or throws: values it does not write the
/// same way (dates, data, URLs, decimals, infinities and NaN, strings with
/// control characters, keys encoded twice, nested containers and super
/// encoders, nothing encoded at the top) throw, and ``JSONEventCodec`` then
/// encodes with Foundation.
///
/// One encoder object serves the whole value: each nested `encode(to:)` call
/// is a *level*; a container belongs to the level it was made at and may only
/// be written while that level is the innermost one, which is how synthesized
/// `Codable` conformances use them.
final class JSONPayloadEncoder: Encoder {
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }
    /// The keys of the values being encoded, outermost first. (Exclusivity is not
    /// checked on this object's state: only the encoding call that owns it uses it.)
    @exclusivity(unchecked) private(set) var keys: [any CodingKey] = []
    @exclusivity(unchecked) var bytes: [UInt8] = []
    /// The open levels, innermost last.
    @exclusivity(unchecked) private var levels: [Level] = []
    /// Where each member of the open objects starts (its key's opening quote).
    @exclusivity(unchecked) private var memberStarts: [Int] = []
    /// Reused while putting an object's members in key order.
    @exclusivity(unchecked) private var spans: [Range<Int>] = []
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Set when something unsupported happened where no error can be thrown.
    @exclusivity(unchecked) private var failed = false

    var codingPath: [any CodingKey] { keys }

    private struct Level {
        enum Kind { case none, object, array, single }
        var kind = Kind.none
        /// Where the level's members start in `memberStarts`.
        let firstMember: Int
        var count = 0
    }

    private init(userInfo: [CodingUserInfoKey: any Sendable]) {
        self.sendableUserInfo = userInfo
        bytes.reserveCapacity(128)
        levels.reserveCapacity(8)
        memberStarts.reserveCapacity(16)
    }

    /// Encodes `value`, or throws when the fast path does not apply.
    static func encode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable]) throws -> Data {
        let encoder = JSONPayloadEncoder(userInfo: userInfo)
        guard try encoder.write(value, key: nil, topLevel: true) else { throw JSONReader.Unsupported() }
        return Data(encoder.bytes)
    }

    /// Writes one value; `false` when it wrote nothing at the top level.
    @discardableResult
    func write<T: Encodable>(_ value: T, key: (any CodingKey)?, topLevel: Bool = false) throws -> Bool {
        if T.self == String.self {
            guard writeString(value as! String) else { throw JSONReader.Unsupported() }
            return true
        }
        if T.self == Int.self { return writeInteger(value as! Int) }
        if T.self == Bool.self {
            writeLiteral(value as! Bool ? "true" : "false")
            return true
        }
        if T.self == Double.self {
            guard writeFloat(value as! Double) else { throw JSONReader.Unsupported() }
            return true
        }
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            throw JSONReader.Unsupported()
        }
        levels.append(Level(firstMember: memberStarts.count))
        if let key { keys.append(key) }
        defer { if key != nil { keys.removeLast() } }
        try value.encode(to: self)
        if failed { throw JSONReader.Unsupported() }
        let level = levels.removeLast()
        switch level.kind {
        case .none:
            // Foundation writes an empty object for a nested value that encodes nothing.
            if topLevel { return false }
            bytes.append(contentsOf: [JSONReader.openBrace, JSONReader.closeBrace])
        case .object:
            try closeObject(level)
        case .array:
            bytes.append(JSONReader.closeBracket)
        case .single:
            if level.count != 1 { throw JSONReader.Unsupported() }
        }
        return true
    }

    /// Ends an object, putting its members in key order.
    private func closeObject(_ level: Level) throws {
        let first = level.firstMember
        let count = memberStarts.count - first
        defer { memberStarts.removeLast(count) }
        if count > 1 {
            var sorted = true
            for index in (first + 1)..<memberStarts.count {
                let order = compareKeys(memberStarts[index - 1], memberStarts[index])
                if order == 0 { throw JSONReader.Unsupported() }  // a key written twice: Foundation keeps the last
                if order > 0 { sorted = false }
            }
            if !sorted { try reorderMembers(first) }
        }
        bytes.append(JSONReader.closeBrace)
    }

    /// Rewrites the members of the object whose first member is `memberStarts[first]` in key order.
    private func reorderMembers(_ first: Int) throws {
        if memberStarts.count - first == 2 {
            // Two members the wrong way round (the caller checked their keys
            // differ): `A,B` becomes `B,A` in place, by reversing the whole, then
            // each member (the comma stays between them).
            let (a, b) = (memberStarts[first], memberStarts[first + 1])
            let end = bytes.count
            bytes.withUnsafeMutableBufferPointer { bytes in
                bytes[a..<end].reverse()
                // Now `B',A'` reversed: B spans a ..< a + (end - b), the comma follows.
                let secondEnd = a + (end - b)
                bytes[a..<secondEnd].reverse()
                bytes[(secondEnd + 1)..<end].reverse()
            }
            return
        }
        scratch.removeAll(keepingCapacity: true)
        // Each member runs from its key's quote to the comma before the next one.
        spans.removeAll(keepingCapacity: true)
        for index in first..<memberStarts.count {
            spans.append(memberStarts[index]..<(index + 1 < memberStarts.count ? memberStarts[index + 1] - 1 : bytes.count))
        }
        spans.sort { compareKeys($0.lowerBound, $1.lowerBound) < 0 }
        for index in 1..<spans.count where compareKeys(spans[index - 1].lowerBound, spans[index].lowerBound) == 0 {
            throw JSONReader.Unsupported()
        }
        let start = memberStarts[first]
        for (index, span) in spans.enumerated() {
            if index > 0 { scratch.append(JSONReader.comma) }
            scratch.append(contentsOf: bytes[span])
        }
        bytes.replaceSubrange(start..<bytes.count, with: scratch)
    }

    /// Compares the keys (escape-free, quoted) starting at two offsets, by their
    /// UTF-8 bytes: -1, 0 or 1.
    private func compareKeys(_ a: Int, _ b: Int) -> Int {
        bytes.withUnsafeBufferPointer { bytes in
            var i = a + 1
            var j = b + 1
            while true {
                let x = bytes[i]
                let y = bytes[j]
                if x == JSONReader.quote || y == JSONReader.quote {
                    if x == y { return 0 }
                    return x == JSONReader.quote ? -1 : 1
                }
                if x != y { return x < y ? -1 : 1 }
                i += 1
                j += 1
            }
        }
    }

    // MARK: Levels

    /// Marks the innermost level as a value of `kind`; `false` when it already is another kind.
    private func begin(_ kind: Level.Kind) -> Int? {
        guard let index = levels.indices.last else {
            failed = true
            return nil
        }
        switch levels[index].kind {
        case .none:
            levels[index].kind = kind
            switch kind {
            case .object: bytes.append(JSONReader.openBrace)
            case .array: bytes.append(JSONReader.openBracket)
            case .single, .none: break
            }
        case kind where kind != .single:
            break
        default:
            failed = true
            return nil
        }
        return index
    }

    /// Whether a container made at level `index` may write now.
    func isCurrent(_ index: Int) -> Bool {
        if failed || index != levels.count - 1 {
            failed = true
            return false
        }
        return true
    }

    /// Starts a member of the object at level `index`: the separator and the key.
    func beginMember(_ index: Int, key: any CodingKey) throws {
        guard isCurrent(index) else { throw JSONReader.Unsupported() }
        if levels[index].count > 0 { bytes.append(JSONReader.comma) }
        levels[index].count += 1
        memberStarts.append(bytes.count)
        // Keys are sorted by their bytes between the quotes: keep escapes out of them.
        var name = key.stringValue
        let plain = name.withUTF8 { utf8 in
            !utf8.contains { $0 < 0x20 || $0 == JSONReader.quote || $0 == JSONReader.backslash }
        }
        guard plain, writeString(name) else { throw JSONReader.Unsupported() }
        bytes.append(JSONReader.colon)
    }

    /// Starts an element of the array at level `index`.
    func beginElement(_ index: Int) throws {
        guard isCurrent(index) else { throw JSONReader.Unsupported() }
        if levels[index].count > 0 { bytes.append(JSONReader.comma) }
        levels[index].count += 1
    }

    /// Starts the single value at level `index`.
    func beginSingle(_ index: Int) throws {
        guard isCurrent(index), levels[index].count == 0 else { throw JSONReader.Unsupported() }
        levels[index].count = 1
    }

    func elementCount(_ index: Int) -> Int { index < levels.count ? levels[index].count : 0 }

    // MARK: Scalars

    /// Writes a string with Foundation's escapes for `"` and `\`; `false` (writing
    /// nothing useful) for control characters, whose escapes are left to Foundation.
    @discardableResult
    func writeString(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 -> Bool in
            bytes.append(JSONReader.quote)
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == JSONReader.quote || byte == JSONReader.backslash {
                if byte < 0x20 {
                    failed = true
                    return false
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(JSONReader.backslash)
                bytes.append(byte)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            bytes.append(JSONReader.quote)
            return true
        }
    }

    @discardableResult
    @inline(__always)
    func writeInteger<T: FixedWidthInteger>(_ value: T) -> Bool {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return true
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        return withUnsafeMutableBytes(of: &digits) { buffer -> Bool in
            var magnitude = value.magnitude
            var index = buffer.count
            while magnitude != 0 {
                let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remainder)
                magnitude = quotient
            }
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
            return true
        }
    }

    /// Writes a finite number as Foundation does: its description without a
    /// trailing `.0`; `false` for infinities and NaN (Foundation's strategy decides).
    func writeFloat<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> Bool {
        guard value.isFinite else {
            failed = true
            return false
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        return true
    }

    func writeLiteral(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, level: begin(.object) ?? -1, depth: keys.count))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, level: begin(.array) ?? -1, depth: keys.count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self, level: begin(.single) ?? -1, depth: keys.count)
    }

    /// The coding path of a container made when `depth` keys were open.
    func path(_ depth: Int) -> [any CodingKey] { Array(keys.prefix(depth)) }

    fileprivate func unsupported() -> Never? {
        failed = true
        return nil
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: JSONPayloadEncoder
        let level: Int
        let depth: Int
        var codingPath: [any CodingKey] { encoder.path(depth) }

        mutating func encodeNil(forKey key: Key) throws {
            try encoder.beginMember(level, key: key)
            encoder.writeLiteral("null")
        }

        mutating func encode(_ value: Bool, forKey key: Key) throws {
            try encoder.beginMember(level, key: key)
            encoder.writeLiteral(value ? "true" : "false")
        }

        mutating func encode(_ value: String, forKey key: Key) throws {
            try encoder.beginMember(level, key: key)
            guard encoder.writeString(value) else { throw JSONReader.Unsupported() }
        }

        mutating func encode(_ value: Double, forKey key: Key) throws { try float(value, key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try float(value, key) }

        private func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T, _ key: Key) throws {
            try encoder.beginMember(level, key: key)
            guard encoder.writeFloat(value) else { throw JSONReader.Unsupported() }
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

        // Inlined so that each encode(IntN) writes with a specialised integer writer.
        @inline(__always)
        private func integer<T: FixedWidthInteger>(_ value: T, _ key: Key) throws {
            try encoder.beginMember(level, key: key)
            encoder.writeInteger(value)
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try encoder.beginMember(level, key: key)
            try encoder.write(value, key: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            _ = encoder.unsupported()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder, level: -1, depth: depth))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            _ = encoder.unsupported()
            return UnkeyedContainer(encoder: encoder, level: -1, depth: depth)
        }

        mutating func superEncoder() -> any Encoder {
            _ = encoder.unsupported()
            return encoder
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            _ = encoder.unsupported()
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: JSONPayloadEncoder
        let level: Int
        let depth: Int
        var codingPath: [any CodingKey] { encoder.path(depth) }

        var count: Int { encoder.elementCount(level) }

        private struct IndexKey: CodingKey {
            let intValue: Int?
            var stringValue: String { "Index \(intValue ?? 0)" }
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        mutating func encodeNil() throws {
            try encoder.beginElement(level)
            encoder.writeLiteral("null")
        }

        mutating func encode(_ value: Bool) throws {
            try encoder.beginElement(level)
            encoder.writeLiteral(value ? "true" : "false")
        }

        mutating func encode(_ value: String) throws {
            try encoder.beginElement(level)
            guard encoder.writeString(value) else { throw JSONReader.Unsupported() }
        }

        mutating func encode(_ value: Double) throws { try float(value) }
        mutating func encode(_ value: Float) throws { try float(value) }
        mutating func encode(_ value: Int) throws { try integer(value) }
        mutating func encode(_ value: Int8) throws { try integer(value) }
        mutating func encode(_ value: Int16) throws { try integer(value) }
        mutating func encode(_ value: Int32) throws { try integer(value) }
        mutating func encode(_ value: Int64) throws { try integer(value) }
        mutating func encode(_ value: UInt) throws { try integer(value) }
        mutating func encode(_ value: UInt8) throws { try integer(value) }
        mutating func encode(_ value: UInt16) throws { try integer(value) }
        mutating func encode(_ value: UInt32) throws { try integer(value) }
        mutating func encode(_ value: UInt64) throws { try integer(value) }

        // Inlined so that each encode(IntN) writes with a specialised integer writer.
        @inline(__always)
        private func integer<T: FixedWidthInteger>(_ value: T) throws {
            try encoder.beginElement(level)
            encoder.writeInteger(value)
        }

        private func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) throws {
            try encoder.beginElement(level)
            guard encoder.writeFloat(value) else { throw JSONReader.Unsupported() }
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            let index = count
            try encoder.beginElement(level)
            try encoder.write(value, key: IndexKey(index))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            _ = encoder.unsupported()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder, level: -1, depth: depth))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            _ = encoder.unsupported()
            return UnkeyedContainer(encoder: encoder, level: -1, depth: depth)
        }

        mutating func superEncoder() -> any Encoder {
            _ = encoder.unsupported()
            return encoder
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: JSONPayloadEncoder
        let level: Int
        let depth: Int
        var codingPath: [any CodingKey] { encoder.path(depth) }

        mutating func encodeNil() throws {
            try encoder.beginSingle(level)
            encoder.writeLiteral("null")
        }

        mutating func encode(_ value: Bool) throws {
            try encoder.beginSingle(level)
            encoder.writeLiteral(value ? "true" : "false")
        }

        mutating func encode(_ value: String) throws {
            try encoder.beginSingle(level)
            guard encoder.writeString(value) else { throw JSONReader.Unsupported() }
        }

        mutating func encode(_ value: Double) throws { try float(value) }
        mutating func encode(_ value: Float) throws { try float(value) }
        mutating func encode(_ value: Int) throws { try integer(value) }
        mutating func encode(_ value: Int8) throws { try integer(value) }
        mutating func encode(_ value: Int16) throws { try integer(value) }
        mutating func encode(_ value: Int32) throws { try integer(value) }
        mutating func encode(_ value: Int64) throws { try integer(value) }
        mutating func encode(_ value: UInt) throws { try integer(value) }
        mutating func encode(_ value: UInt8) throws { try integer(value) }
        mutating func encode(_ value: UInt16) throws { try integer(value) }
        mutating func encode(_ value: UInt32) throws { try integer(value) }
        mutating func encode(_ value: UInt64) throws { try integer(value) }

        // Inlined so that each encode(IntN) writes with a specialised integer writer.
        @inline(__always)
        private func integer<T: FixedWidthInteger>(_ value: T) throws {
            try encoder.beginSingle(level)
            encoder.writeInteger(value)
        }

        private func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) throws {
            try encoder.beginSingle(level)
            guard encoder.writeFloat(value) else { throw JSONReader.Unsupported() }
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try encoder.beginSingle(level)
            try encoder.write(value, key: nil)
        }
    }
}
