internal import Foundation

/// Time assertions shared by the store suites: stores may keep times to the
/// microsecond, so a stored time is compared with a millisecond of slack.
enum Timing {
    static let slack: TimeInterval = 0.001

    static func expect(
        _ date: Date?, between start: Date, and end: Date, _ what: @autoclosure () -> String,
        file: String = #fileID, line: Int = #line
    ) throws {
        guard let date else {
            throw ConformanceFailure(message: "\(what()): expected a time, got nil", file: file, line: line)
        }
        if date < start.addingTimeInterval(-slack) || date > end.addingTimeInterval(slack) {
            throw ConformanceFailure(
                message: "\(what()): expected a time between \(start) and \(end), got \(date)", file: file, line: line)
        }
    }

    static func expect(
        _ date: Date?, near expected: Date, _ what: @autoclosure () -> String, file: String = #fileID, line: Int = #line
    ) throws {
        try Self.expect(date, between: expected, and: expected, what(), file: file, line: line)
    }
}
