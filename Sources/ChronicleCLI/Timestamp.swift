internal import Foundation

/// ISO-8601 UTC times with microsecond precision, as the event line format and
/// the tables print them (`2024-05-01T10:00:00.123456Z`).
///
/// Foundation's `ISO8601DateFormatter` stops at milliseconds; SQLite stores keep
/// microseconds, and an export must give them back exactly.
///
/// ```swift
/// let text = Timestamp.format(record.recordedAt)          // "2024-05-01T10:00:00.123456Z"
/// let date = try Timestamp.parse("2024-05-01T12:00:00+02:00")
/// ```
enum Timestamp {
    /// Formats a time in UTC with a `Z` suffix.
    ///
    /// - Parameters:
    ///   - date: The time.
    ///   - fractionDigits: Digits after the seconds: 6 (microseconds, the default), 3 or 0.
    /// - Returns: The ISO-8601 text.
    static func format(_ date: Date, fractionDigits: Int = 6) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = floorDivide(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        switch fractionDigits {
        case ...0: break
        case 1...3: text += "." + pad(fraction / 1000, 3)
        default: text += "." + pad(fraction, 6)
        }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    ///
    /// Fractions longer than microseconds are rounded to the nearest microsecond.
    /// Times outside the years 0000 to 9999 in UTC (reachable with an offset) are
    /// refused, as they could not be written back.
    ///
    /// - Parameter text: The ISO-8601 text.
    /// - Returns: The time.
    /// - Throws: ``CommandError`` (bad input) naming what is wrong.
    static func parse(_ text: String) throws -> Date {
        let bytes = Array(text.utf8)
        var index = 0
        func fail() -> CommandError {
            CommandError(.badInput, "'\(text)' is not an ISO-8601 time such as 2024-05-01T10:00:00.123456Z")
        }
        func number(_ digits: Int) throws -> Int64 {
            guard index + digits <= bytes.count else { throw fail() }
            var value: Int64 = 0
            for byte in bytes[index..<index + digits] {
                guard (0x30...0x39).contains(byte) else { throw fail() }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) throws {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { throw fail() }
            index += 1
        }
        let year = try number(4)
        try expect("-")
        let month = try number(2)
        try expect("-")
        let day = try number(2)
        try expect("Tt ")
        let hour = try number(2)
        try expect(":")
        let minute = try number(2)
        try expect(":")
        let second = try number(2)
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var roundUp = false
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                if digits < 6 {
                    micros = micros * 10 + Int64(bytes[index] - 0x30)
                } else if digits == 6 {
                    roundUp = bytes[index] >= UInt8(ascii: "5")
                }
                digits += 1
                index += 1
            }
            guard digits > 0 else { throw fail() }
            for _ in digits..<max(digits, 6) { micros *= 10 }
            if roundUp { micros += 1 }
        }
        var offsetSeconds: Int64 = 0
        guard index < bytes.count else { throw fail() }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            try expect("+-")
            let offsetHours = try number(2)
            try expect(":")
            let offsetMinutes = try number(2)
            guard offsetHours < 24, offsetMinutes < 60 else { throw fail() }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == bytes.count, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { throw fail() }
        let seconds = days(fromYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offsetSeconds
        let date = Date(timeIntervalSince1970: Double(seconds * 1_000_000 + micros) / 1_000_000)
        // An offset, or a `Date` (a Double) rounding the last microsecond of
        // 9999, can carry a time past either end of the four-digit years, which
        // ``format(_:fractionDigits:)`` could not write back.
        let kept = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        guard kept >= firstSecond * 1_000_000, kept < (lastSecond + 1) * 1_000_000 else {
            throw CommandError(.badInput, "'\(text)' is outside the years 0000 to 9999 in UTC")
        }
        return date
    }

    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds since 1970.
    private static let firstSecond = days(fromYear: 0, month: 1, day: 1) * 86_400
    private static let lastSecond = days(fromYear: 9999, month: 12, day: 31) * 86_400 + 86_399

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Days since 1970-01-01 from a proleptic Gregorian date, and back
    // (the civil calendar algorithms described by Howard Hinnant).
    private static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
