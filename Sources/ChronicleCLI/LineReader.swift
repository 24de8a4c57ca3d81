internal import Foundation

/// Reads a file (or standard input) line by line in large chunks, keeping
/// memory bounded by the longest line.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    /// Bytes of the input handed out as lines so far (line breaks included).
    private(set) var bytesConsumed: Int64 = 0
    /// The number of the line last returned (the first line is 1).
    private(set) var lineNumber = 0

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next line without its line break (`\n` or `\r\n`), or `nil` at the end.
    func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<newline])
                bytesConsumed += Int64(newline + 1 - start)
                start = newline + 1
                if line.last == 0x0D { line.removeLast() }
                return finish(line)
            }
            if finished {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                bytesConsumed += Int64(buffer.count - start)
                start = buffer.count
                if line.last == 0x0D { line.removeLast() }
                return finish(line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let chunk = try handle.read(upToCount: 1 << 18) ?? Data()
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    private func finish(_ line: [UInt8]) -> [UInt8] {
        lineNumber += 1
        // A UTF-8 byte order mark at the start of the input is not part of the first line.
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(line.dropFirst(3)) }
        return line
    }
}
