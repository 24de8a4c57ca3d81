import Chronicle
import Foundation
import ProcessTestSupport

/// Runs the `ChronicleTestHelper` executable (built next to the test bundle) as
/// a separate OS process.
enum HelperProcess {
    typealias Output = ChildProcess.Output

    static var executableURL: URL { ChildProcess.executableURL("ChronicleTestHelper") }

    /// Starts the helper; the returned task finishes with its exit status and output.
    static func start(_ arguments: [String]) throws -> Task<Output, Never> {
        try ChildProcess.start("ChronicleTestHelper", arguments)
    }
}

/// A helper process whose output is read line by line while it runs, so a test
/// can act (kill it, append) on what it has printed.
final class RunningHelper: Sendable {
    let process: Process
    let lines: AsyncStream<String>
    private let input = Pipe()
    private let errors = Locked(Data())

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = HelperProcess.executableURL
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        let err = Pipe()
        process.standardError = err
        process.standardInput = input
        let (lines, continuation) = AsyncStream<String>.makeStream()
        try process.run()
        self.process = process
        self.lines = lines
        let errorHandle = err.fileHandleForReading
        Thread.detachNewThread { [self] in
            while let chunk = ChildProcess.readChunk(errorHandle), !chunk.isEmpty {
                errors.withLock { $0.append(chunk) }
            }
        }
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var buffer = Data()
            while let chunk = ChildProcess.readChunk(handle), !chunk.isEmpty {
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

    /// Writes `line` and a newline to the process's standard input.
    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Sends SIGKILL: the process gets no chance to clean up.
    func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Sends a signal.
    func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

    /// Waits for the process to end and returns its exit status; one that has
    /// not ended within `limit` is killed (SIGKILL), so a test never waits forever.
    func wait(killingAfter limit: Duration = .seconds(60)) async -> Int32 {
        let watchdog = killing(after: limit)
        defer { watchdog.cancel() }
        return await ChildProcess.waitForExit(process)
    }

    /// A task that kills the process once `limit` has passed, unless cancelled
    /// first: a test that waits for a line that never comes sees the output end
    /// instead of hanging.
    func killing(after limit: Duration) -> Task<Void, Never> {
        Task { [self] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            kill()
        }
    }
}
