internal import Chronicle
public import Foundation

/// A helper process whose output is read line by line while it runs, so a test
/// can act (kill it, append) on what it has printed.
public final class RunningHelper: Sendable {
    public let process: Process
    public let lines: AsyncStream<String>
    private let input = Pipe()
    private let errors = Locked(Data())

    /// Starts `executable` (built next to the test bundle; the package's test helper by default).
    public init(_ arguments: [String], executable: String = "ChronicleTestHelper") throws {
        let process = Process()
        process.executableURL = ChildProcess.executableURL(executable)
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
    public var standardError: String { errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Writes `line` and a newline to the process's standard input.
    public func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Sends SIGKILL: the process gets no chance to clean up.
    public func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Sends a signal.
    public func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

    /// Waits for the process to end and returns its exit status; one that has
    /// not ended within `limit` is killed (SIGKILL), so a test never waits forever.
    public func wait(killingAfter limit: Duration = .seconds(60)) async -> Int32 {
        let watchdog = killing(after: limit)
        defer { watchdog.cancel() }
        return await ChildProcess.waitForExit(process)
    }

    /// A task that kills the process once `limit` has passed, unless cancelled
    /// first: a test that waits for a line that never comes sees the output end
    /// instead of hanging.
    public func killing(after limit: Duration) -> Task<Void, Never> {
        Task { [self] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            kill()
        }
    }
}

/// Reads a running helper's output line by line, keeping what it saw.
public final class Lines {
    public let helper: RunningHelper
    var iterator: AsyncStream<String>.Iterator
    public private(set) var seen: [String] = []

    public init(_ helper: RunningHelper) {
        self.helper = helper
        iterator = helper.lines.makeAsyncIterator()
    }

    /// Reads lines until one satisfies `matches`; returns it (`nil` when the
    /// output ends first). A helper that prints no such line within `limit`
    /// is killed, which ends its output.
    public func next(within limit: Duration = .seconds(60), where matches: (String) -> Bool) async -> String? {
        let watchdog = helper.killing(after: limit)
        defer { watchdog.cancel() }
        while let line = await iterator.next() {
            seen.append(line)
            if matches(line) { return line }
        }
        return nil
    }
}
