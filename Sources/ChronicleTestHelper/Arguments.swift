import Foundation

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
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
