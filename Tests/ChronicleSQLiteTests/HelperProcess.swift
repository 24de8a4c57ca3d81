import Chronicle
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
            Thread.detachNewThread {
                var data = Data()
                while let chunk = readChunk(handle), !chunk.isEmpty { data.append(chunk) }
                continuation.resume(returning: data)
            }
        }
    }

    /// One `read(2)` of up to 64 KiB, retried when a signal interrupts it:
    /// Foundation's `availableData` traps on EINTR, and with many subprocesses
    /// running in parallel SIGCHLD arrives often. Empty at the end of the
    /// stream, `nil` on an error.
    static func readChunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[..<count]) }
            if errno != EINTR { return nil }
        }
    }
}

/// A helper process whose output is read line by line while it runs, so a test
/// can act (kill it, append) on what it has printed.
final class RunningHelper: Sendable {
    let process: Process
    let lines: AsyncStream<String>
    private let errors = Locked(Data())

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = HelperProcess.executableURL
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        let err = Pipe()
        process.standardError = err
        let (lines, continuation) = AsyncStream<String>.makeStream()
        try process.run()
        self.process = process
        self.lines = lines
        let errorHandle = err.fileHandleForReading
        Thread.detachNewThread { [self] in
            while let chunk = HelperProcess.readChunk(errorHandle), !chunk.isEmpty {
                errors.withLock { $0.append(chunk) }
            }
        }
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var buffer = Data()
            while let chunk = HelperProcess.readChunk(handle), !chunk.isEmpty {
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            continuation.finish()
        }
    }

    /// What the process has written to standard error so far.
    var standardError: String { errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Sends SIGKILL: the process gets no chance to clean up.
    func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Sends a signal.
    func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

    /// Waits for the process to end and returns its exit status.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }
}
