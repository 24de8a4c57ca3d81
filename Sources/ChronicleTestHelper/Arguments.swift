import Foundation

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// Every value given for `name` (an option that may be repeated), in order.
func allArguments(_ name: String) -> [String] {
    let arguments = Array(CommandLine.arguments.dropFirst())
    return arguments.indices.compactMap { index in
        arguments[index] == name && index + 1 < arguments.count ? arguments[index + 1] : nil
    }
}

func requiredArgument(_ name: String) -> String {
    guard let value = argument(name) else { fail("missing \(name)") }
    return value
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ChronicleTestHelper: \(message)\n".utf8))
    exit(2)
}

/// Prints a line and flushes it at once, so a parent reading the pipe sees it
/// before the process is killed.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The time now, in nanoseconds since 1970 (what `hold-write-lock` prints).
func unixNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}
