internal import Chronicle
internal import Foundation

/// Number, size and duration texts for human output.
enum Formatting {
    /// `12345` → `"12,345"`.
    static func count<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `1_258_291` → `"1.2 MiB"`.
    static func bytes(_ value: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value) bytes" }
        return String(format: amount < 10 ? "%.1f %@" : "%.0f %@", amount, units[unit])
    }

    /// `95` → `"1m 35s"`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        if total < 86_400 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        return "\(total / 86_400)d \(total % 86_400 / 3600)h"
    }

    /// A time for tables: UTC with milliseconds.
    static func time(_ date: Date) -> String {
        Timestamp.format(date, fractionDigits: 3)
    }

    /// A payload on one line: compact JSON, or its size when it is not JSON.
    static func compactData(_ data: Data) -> String {
        let bytes = [UInt8](data)
        if (try? JSONReader.validate(bytes)) != nil {  // valid JSON is valid UTF-8
            return JSONLayout.compact(bytes)
        }
        return "<\(bytes.count) bytes, not JSON>"
    }

    /// A payload for people: indented JSON, or its size and base64 when it is not JSON.
    static func prettyData(_ data: Data, prefix: String) -> String {
        let bytes = [UInt8](data)
        if (try? JSONReader.validate(bytes)) != nil {  // valid JSON is valid UTF-8
            return JSONLayout.pretty(bytes, prefix: prefix)
        }
        return prefix + "<\(bytes.count) bytes, not JSON> " + data.base64EncodedString()
    }
}
