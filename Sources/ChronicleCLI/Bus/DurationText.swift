/// Durations written on the command line: `250ms`, `5s`, `2m`, `1h`, or a
/// plain number of seconds (`1.5`).
enum DurationText {
    /// Parses a duration; a negative, zero (unless allowed) or malformed one is bad input naming the option.
    static func parse(_ text: String, option: String, allowZero: Bool = false) throws -> Duration {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, allowZero || value > 0 else {
            throw CommandError(
                .badInput,
                "\(option) '\(text)' is not a \(allowZero ? "" : "positive ")duration such as 250ms, 5s, 2m or 1h")
        }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }
}
