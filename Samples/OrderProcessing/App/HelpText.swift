import ChronicleCLI

/// The sample's help texts, laid out like the `chronicle` tool's.
enum HelpText {
    /// The discussion, its consecutive unindented lines joined into paragraphs
    /// (ArgumentParser wraps them at the terminal's width; indented lines, the
    /// examples, stay as they are), then the exit codes.
    static func discussion(_ text: String) -> String {
        var lines: [String] = []
        var joinable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let isProse = !line.isEmpty && !line.hasPrefix(" ") && line != line.uppercased()
            if isProse && joinable, let last = lines.popLast() {
                lines.append(last + " " + line)
            } else {
                lines.append(line)
            }
            joinable = isProse
        }
        return lines.joined(separator: "\n") + "\n\n" + ExitStatus.helpText
    }
}
