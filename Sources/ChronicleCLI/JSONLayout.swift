/// Re-lays out valid JSON text without changing its content: compact on one
/// line, or indented for people. Keys keep their order and numbers their digits.
enum JSONLayout {
    /// The text without whitespace outside strings.
    static func compact(_ bytes: [UInt8]) -> String {
        layout(bytes, indent: nil)
    }

    /// The text indented by two spaces per level, each line prefixed with `prefix`.
    static func pretty(_ bytes: [UInt8], prefix: String = "") -> String {
        layout(bytes, indent: prefix)
    }

    private static func layout(_ bytes: [UInt8], indent prefix: String?) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 4)
        let prefixBytes = Array((prefix ?? "").utf8)
        var depth = 0
        var inString = false
        var escaped = false
        var index = 0
        func newline() {
            output.append(0x0A)
            output += prefixBytes
            output += repeatElement(0x20, count: depth * 2)
        }
        output += prefixBytes
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                continue
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                output.append(byte)
                // Keep empty containers on one line.
                var next = index
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == (byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    output.append(bytes[next])
                    index = next + 1
                } else {
                    depth += 1
                    if prefix != nil { newline() }
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if prefix != nil { newline() }
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                if prefix != nil { newline() }
            case UInt8(ascii: ":"):
                output.append(byte)
                if prefix != nil { output.append(0x20) }
            default:
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
