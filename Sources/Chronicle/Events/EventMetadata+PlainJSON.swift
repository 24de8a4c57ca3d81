internal import Foundation

extension EventMetadata {
    /// The stored JSON form written directly, when every string is plain
    /// printable ASCII without `"` or `\` and there is at most one header; `nil`
    /// otherwise (then `JSONEncoder` writes it).
    ///
    /// The bytes are exactly what `JSONEncoder` with sorted keys and unescaped
    /// slashes writes for the same value (a test compares them); this skips the
    /// encoder's set-up and its intermediate tree, several microseconds per event.
    func plainJSONData() -> Data? {
        guard headers.count <= 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: StaticString) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        // Keys in sorted order: causationId, correlationId, headers.
        if let causationId {
            member("causationId")
            guard Self.appendPlain(causationId, to: &bytes) else { return nil }
        }
        if let correlationId {
            member("correlationId")
            guard Self.appendPlain(correlationId, to: &bytes) else { return nil }
        }
        if let (key, value) = headers.first {
            member("headers")
            bytes.append(UInt8(ascii: "{"))
            guard Self.appendPlain(key, to: &bytes) else { return nil }
            bytes.append(UInt8(ascii: ":"))
            guard Self.appendPlain(value, to: &bytes) else { return nil }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// Appends `"text"` when it needs no escaping; `false` otherwise.
    private static func appendPlain(_ text: String, to bytes: inout [UInt8]) -> Bool {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        bytes.append(UInt8(ascii: "\""))
        return plain
    }
}
