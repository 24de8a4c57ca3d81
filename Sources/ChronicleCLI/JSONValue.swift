/// A JSON value with ordered object members, for the `--json` output of commands.
///
/// Keys keep the order they are written in, so scripts and people see the same
/// shape every time. ``raw(_:)`` embeds JSON text that is already valid (an
/// event's data) without re-encoding it.
///
/// ```swift
/// let value: JSONValue = .object([
///     ("stream", .string("order-42")),
///     ("version", .int(3)),
/// ])
/// print(value.serialized())   // {"stream":"order-42","version":3}
/// ```
enum JSONValue: Hashable, Sendable {
    /// A string.
    case string(String)
    /// An integer.
    case int(Int64)
    /// A floating-point number (non-finite values are written as `null`).
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An object whose members keep their order.
    case object([Member])
    /// An array.
    case array([JSONValue])
    /// JSON text that is already valid, written as is.
    case raw(String)

    /// One member of an object.
    struct Member: Hashable, Sendable {
        /// The member's name.
        var key: String
        /// The member's value.
        var value: JSONValue

        /// Creates a member.
        ///
        /// - Parameters:
        ///   - key: The name.
        ///   - value: The value.
        init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object from `(key, value)` pairs, in order.
    ///
    /// ```swift
    /// let value = JSONValue.object([("events", .int(12)), ("streams", .int(3))])
    /// ```
    ///
    /// - Parameter members: The members, in order.
    /// - Returns: The object.
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.map { Member($0.0, $0.1) })
    }

    /// A string, or `null` when `text` is `nil`.
    ///
    /// - Parameter text: The text.
    /// - Returns: `.string(text)` or `.null`.
    static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    /// The value as compact JSON text on one line.
    ///
    /// ```swift
    /// JSONValue.array([.int(1), .bool(true)]).serialized()   // [1,true]
    /// ```
    ///
    /// - Returns: The JSON text.
    func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .string(let text): JSONValue.appendQuoted(text, to: &output)
        case .int(let number): output += String(number)
        case .double(let number): output += number.isFinite ? String(describing: number) : "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .raw(let text): output += text
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                JSONValue.appendQuoted(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    /// Appends `text` as a quoted JSON string (escaping quotes, backslashes and
    /// control characters; everything else is written as UTF-8).
    static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        var plainStart = text.unicodeScalars.startIndex
        var index = plainStart
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escaped: String?
            switch scalar {
            case "\"": escaped = "\\\""
            case "\\": escaped = "\\\\"
            case "\n": escaped = "\\n"
            case "\r": escaped = "\\r"
            case "\t": escaped = "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                escaped = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped = nil
            }
            if let escaped {
                output.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                output += escaped
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        output += "\""
    }
}
