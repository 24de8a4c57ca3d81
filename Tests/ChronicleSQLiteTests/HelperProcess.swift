import Foundation

/// Runs the `ChronicleTestHelper` executable (built next to the test bundle) as
/// a separate OS process.
struct HelperProcess {
    struct Output: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static var executableURL: URL {
        // The test bundle and the helper are built into the same products directory.
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("ChronicleTestHelper")
    }

    /// Starts the helper; the returned task finishes with its exit status and output.
    static func start(_ arguments: [String]) throws -> Task<Output, any Error> {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Task.detached {
            // Drain both pipes on their own threads so a full pipe never blocks the child.
            async let stdout = readAll(out.fileHandleForReading)
            async let stderr = readAll(err.fileHandleForReading)
            let (o, e) = await (stdout, stderr)
            process.waitUntilExit()
            return Output(
                status: process.terminationStatus, standardOutput: String(decoding: o, as: UTF8.self),
                standardError: String(decoding: e, as: UTF8.self))
        }
    }

    private static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}

/// A helper process whose output is read line by line while it runs, so a test
/// can act (kill it, append) on what it has printed.
final class RunningHelper: Sendable {
    let process: Process
    let lines: AsyncStream<String>

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = HelperProcess.executableURL
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let (lines, continuation) = AsyncStream<String>.makeStream()
        try process.run()
        self.process = process
        self.lines = lines
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            continuation.finish()
        }
    }

    /// Sends SIGKILL: the process gets no chance to clean up.
    func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Waits for the process to end and returns its exit status.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }
}
