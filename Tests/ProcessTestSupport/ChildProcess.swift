public import Foundation

/// Runs an executable of this package (built into the same products directory
/// as the test bundle) as a separate OS process, for the tests whose subject is
/// a process: the CLI, crashes, several writers.
///
/// Output is drained on threads of its own, with `read(2)` retried on EINTR:
/// Foundation's `availableData` traps on it, and with many children running in
/// parallel SIGCHLD arrives often.
///
/// ```swift
/// let output = try await ChildProcess.run("chronicle", ["stats", "--json"])
/// #expect(output.status == 0, "\(output)")
/// ```
public enum ChildProcess {
    /// How a finished child ended and what it wrote.
    public struct Output: Sendable, CustomStringConvertible {
        /// The exit status (or the signal number, for a child killed by one).
        public let status: Int32
        public let standardOutput: String
        public let standardError: String

        /// The non-empty lines of standard output.
        public var outputLines: [String] {
            standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        }

        /// The lines of standard error.
        public var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }

        public var description: String { "status \(status)\nstdout:\n\(standardOutput)\nstderr:\n\(standardError)" }
    }

    /// The executable `name` next to the running test bundle.
    public static func executableURL(_ name: String) -> URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Starts `name` now; the task finishes with its status and output.
    ///
    /// - Parameters:
    ///   - name: The executable's name in the products directory.
    ///   - arguments: Its arguments.
    ///   - standardInput: Written to its standard input, which is then closed (empty by default).
    ///   - environment: Its environment; the test process's when `nil`.
    /// - Throws: When the process cannot be started.
    public static func start(
        _ name: String, _ arguments: [String], standardInput: Data? = nil, environment: [String: String]? = nil
    ) throws -> Task<Output, Never> {
        let process = Process()
        process.executableURL = executableURL(name)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        return Task.detached {
            // Feed and drain on their own threads so that no full pipe blocks the child.
            let feeding = Task.detached {
                if let standardInput { try? input.fileHandleForWriting.write(contentsOf: standardInput) }
                try? input.fileHandleForWriting.close()
            }
            async let stdout = readToEnd(out.fileHandleForReading)
            async let stderr = readToEnd(err.fileHandleForReading)
            let (o, e) = await (stdout, stderr)
            await feeding.value
            let status = await waitForExit(process)
            return Output(
                status: status, standardOutput: String(decoding: o, as: UTF8.self),
                standardError: String(decoding: e, as: UTF8.self))
        }
    }

    /// Runs `name` to completion; the parameters are those of ``start(_:_:standardInput:environment:)``.
    public static func run(
        _ name: String, _ arguments: [String], standardInput: Data? = nil, environment: [String: String]? = nil
    ) async throws -> Output {
        try await start(name, arguments, standardInput: standardInput, environment: environment).value
    }

    /// Everything left to read from `handle`, read on a thread of its own.
    public static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data = Data()
                while let chunk = readChunk(handle), !chunk.isEmpty { data.append(chunk) }
                continuation.resume(returning: data)
            }
        }
    }

    /// One `read(2)` of up to 64 KiB, retried when a signal interrupts it;
    /// empty at the end of the stream, `nil` on an error.
    public static func readChunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[..<count]) }
            if errno != EINTR { return nil }
        }
    }

    /// Waits, on a thread of its own, for `process` to end; returns its status.
    public static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}
